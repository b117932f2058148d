"""Gradient descent on x⁴ − 3x³ + 2 (a tutorial's): the printed minimum, to the last digit."""

import pytest

from autograd_xor import topological_order
from autograd_xor.walkthroughs import descent, get

EX = get("descent")
SEED_PRINT = 2.2500325268933734


def seed_script():
    """The seed's script, as printed."""
    x_old = 0
    x_new = 4
    gamma = 0.01
    precision = 0.00001

    def f_derivative(x):
        return 4 * x**3 - 9 * x**2

    while abs(x_new - x_old) > precision:
        x_old = x_new
        x_new = x_old - gamma * f_derivative(x_old)
    return x_new


@pytest.fixture(scope="module")
def result():
    return EX.run()


def test_the_engine_reaches_the_seeds_printed_minimum(result):
    assert result["values"]["minimum"] == SEED_PRINT
    assert repr(result["values"]["minimum"]) == "2.2500325268933734"
    assert result["figures"]["minimum"]["agrees"]
    assert result["values"]["iterations"] == 42


def test_the_seeds_own_derivative_reaches_it_too(result):
    assert seed_script() == SEED_PRINT
    assert result["values"]["tutorial-derivative minimum"] == SEED_PRINT


def test_the_two_derivatives_are_the_same_math_with_different_rounding(result):
    xs = result["path"][:-1]
    for x in xs:
        e, s = descent.engine_derivative(x), descent.tutorial_derivative(x)
        assert e == pytest.approx(s, rel=1e-14, abs=1e-12)
    differ = result["values"]["steps where the derivatives differ"]
    assert differ == [k for k, x in enumerate(xs)
                      if descent.engine_derivative(x) != descent.tutorial_derivative(x)]
    assert result["values"]["largest path difference"] < 1e-15


def test_the_hand_steps(result):
    v = result["values"]
    assert v["f'(4)"] == 112.0 and v["f'(-1)"] == -13.0
    assert f"{v['x after one step']:.3f}" == "3.888"
    d1 = v["f'(x after one step)"]
    assert f"{d1:.4f}" == "99.0436"
    assert d1 == pytest.approx(4 * 3.888 ** 3 - 9 * 3.888 ** 2, rel=1e-14)
    assert f"{v['x after two steps']:.2f}" == "3.79"
    assert all(f["agrees"] for f in result["figures"].values())


def test_render_says_how_close_and_why(result):
    text = EX.render(result)
    assert "2.2500325268933734" in text
    assert "exactly the float the tutorial prints" in text
    assert "4·x³ − 9·x²" in text and "last bit" in text


def test_graph_and_no_network():
    f = EX.graph()
    assert f.label == "f" and f.data == 4.0 ** 4 - 3 * 4.0 ** 3 + 2
    x = next(v for v in topological_order(f) if v.label == "x")
    assert x.grad == 112.0
    assert EX.network() is None
