"""gradcheck's and numerical_grad's options: eps, atol and rtol out of range are a ValueError
naming the option, the value and a fix, never a ZeroDivisionError or a silent pass."""

import math

import pytest

from autograd_xor import gradcheck, numerical_grad


def square(x):
    return x * x


@pytest.mark.parametrize("options, words", [
    ({"eps": 0}, "gradcheck: eps must be a positive finite number (the finite-difference "
                 "step), got 0; e.g. eps=1e-6"),
    ({"eps": -1e-6}, "eps must be a positive finite number (the finite-difference step), got "
                     "-1e-06"),
    ({"eps": math.nan}, "eps must be a positive finite number (the finite-difference step), "
                        "got nan"),
    ({"atol": -1e-5}, "gradcheck: atol must be a finite number of 0 or more (a tolerance), "
                      "got -1e-05; e.g. atol=1e-5"),
    ({"rtol": -0.1}, "rtol must be a finite number of 0 or more (a tolerance), got -0.1; e.g. "
                     "rtol=1e-3"),
    ({"rtol": math.inf}, "rtol must be a finite number of 0 or more (a tolerance), got inf"),
])
def test_bad_options_are_a_value_error_naming_them(options, words):
    with pytest.raises(ValueError) as caught:
        gradcheck(square, [0.5], **options)
    assert str(caught.value) == words or words in str(caught.value)


def test_a_non_number_option_is_a_type_error_with_the_value_shortened():
    with pytest.raises(TypeError, match=r"gradcheck: atol must be a number, got str '1e-5'"):
        gradcheck(square, [0.5], atol="1e-5")
    with pytest.raises(TypeError) as caught:
        gradcheck(square, [0.5], eps="x" * 100_000)
    assert len(str(caught.value)) < 200 and "(100002 characters)" in str(caught.value)


def test_numerical_grad_checks_eps_too():
    with pytest.raises(ValueError, match="numerical_grad: eps must be a positive"):
        numerical_grad(square, [0.5], eps=0.0)


def test_zero_tolerances_are_allowed():
    assert gradcheck(lambda x: x * 2.0, [0.5], atol=0.0, rtol=0.0, eps=0.5)
