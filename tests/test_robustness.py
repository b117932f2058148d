"""Bad input gets a clear error, numerics stay finite, anomalies are caught, nothing is lost.
The fuzz tests feed the public API arbitrary floats (huge, tiny, inf, nan) and non-numbers:
every outcome is the right value or a documented exception whose message names the op."""

import math
import operator

import pytest
from hypothesis import given, settings, strategies as st

from autograd_xor import MLP, Value, detect_anomaly, gradcheck

DOCUMENTED = (TypeError, ValueError, ZeroDivisionError, OverflowError)


# --- clear errors ------------------------------------------------------------------------

@pytest.mark.parametrize("expr, error, words", [
    (lambda: Value(0.0, label="x").log(), ValueError, ["log", "0.0", "'x'", "positive"]),
    (lambda: Value(-2.0).log(), ValueError, ["log", "-2.0"]),
    (lambda: Value(1.0) / 0, ZeroDivisionError, ["/", "1.0", "zero"]),
    (lambda: 3 / Value(0.0, label="d"), ZeroDivisionError, ["/", "3.0", "'d'"]),
    (lambda: Value(0.0) ** -1, ZeroDivisionError, ["**", "0.0", "-1"]),
    (lambda: Value(0.0) ** Value(-0.5), ZeroDivisionError, ["**", "0.0", "-0.5"]),
    (lambda: Value(-8.0) ** (1 / 3), ValueError, ["negative base", "-8.0", "integer exponent"]),
    (lambda: (-8) ** Value(0.5), ValueError, ["negative base", "-8.0", "0.5"]),
    (lambda: Value(710.0, label="z").exp(), OverflowError, ["exp", "710.0", "'z'"]),
    (lambda: Value(10.0) ** 400, OverflowError, ["**", "10.0", "400"]),
    (lambda: 2 ** Value(5000), OverflowError, ["**", "5000"]),
    (lambda: Value("3"), TypeError, ["Value", "str", "'3'", "float(x)"]),
    (lambda: Value(None), TypeError, ["NoneType"]),
    (lambda: Value([1.0]), TypeError, ["list"]),
    (lambda: Value(2 + 1j), TypeError, ["complex"]),
    (lambda: Value(1.0) + "2", TypeError, ["+", "str"]),
    (lambda: [1.0] * Value(1.0), TypeError, ["*", "list"]),
    (lambda: Value(1.0) ** "2", TypeError, ["**", "str"]),
])
def test_errors_name_the_op_and_the_operand(expr, error, words):
    with pytest.raises(error) as info:
        expr()
    for word in words:
        assert word in str(info.value)


def test_math_range_error_never_leaks():
    with pytest.raises(OverflowError) as info:
        Value(1000.0).exp()
    assert "math range error" not in str(info.value)


# --- numerics ------------------------------------------------------------------------------

@pytest.mark.parametrize("x", [-1000.0, -745.0, -40.0, 0.0, 40.0, 745.0, 1000.0, 1e308, -1e308])
def test_sigmoid_and_tanh_are_finite_with_finite_gradients(x):
    for op in ("sigmoid", "tanh"):
        v = Value(x)
        out = getattr(v, op)()
        out.backward()
        assert math.isfinite(out.data) and math.isfinite(v.grad)
        assert 0.0 <= out.data <= 1.0 if op == "sigmoid" else -1.0 <= out.data <= 1.0
    assert Value(-1000.0).sigmoid().data == 0.0 and Value(1000.0).sigmoid().data == 1.0


def test_sigmoid_is_symmetric_and_accurate_far_out():
    for x in (1e-9, 0.5, 20.0, 700.0):
        assert Value(x).sigmoid().data + Value(-x).sigmoid().data == pytest.approx(1.0)
    assert Value(-700.0).sigmoid().data == pytest.approx(math.exp(-700.0), rel=1e-12)


def test_value_pow_value_with_non_positive_base_is_documented():
    # base 0: d/db = 0 for b > 0; negative base: forward for integer b, d/db is nan
    a, b = Value(-2.0), Value(2.0)
    out = a ** b
    out.backward()
    assert out.data == 4.0 and a.grad == -4.0 and math.isnan(b.grad)


# --- detect_anomaly ----------------------------------------------------------------------

def test_detect_anomaly_forward_names_op_inputs_and_label():
    big = Value(1e308, label="big")
    with detect_anomaly(), pytest.raises(FloatingPointError) as info:
        big * 10
    msg = str(info.value)
    assert "forward" in msg and "*" in msg and "1e+308" in msg and "'big'" in msg and "inf" in msg


def test_detect_anomaly_inf_minus_inf():
    x = Value(1e308) * 10                       # inf, allowed outside the context
    assert x.data == math.inf
    with detect_anomaly(), pytest.raises(FloatingPointError, match="nan"):
        x - x


def test_detect_anomaly_backward():
    x = Value(0.0, label="x")
    y = x ** 0.5                                # finite forward, infinite slope at 0
    with detect_anomaly(), pytest.raises(FloatingPointError) as info:
        y.backward()
    msg = str(info.value)
    assert "backward" in msg and "**0.5" in msg and "'x'" in msg and "inf" in msg


def test_detect_anomaly_is_off_outside_and_restored_after_errors():
    with pytest.raises(FloatingPointError), detect_anomaly():
        Value(math.inf) - math.inf
    assert math.isnan((Value(math.inf) - math.inf).data)


def test_without_anomaly_detection_nan_propagates():
    x = Value(0.0)
    y = x ** 0.5
    y.backward()
    assert x.grad == math.inf


# --- fuzzing the public API --------------------------------------------------------------

anything_float = st.floats(allow_nan=True, allow_infinity=True)
non_numbers = st.one_of(st.text(max_size=3), st.none(), st.lists(st.integers(), max_size=2),
                        st.complex_numbers(), st.dictionaries(st.text(max_size=1), st.integers(),
                                                              max_size=1))
BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
          "**": operator.pow}


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


def python_reference(op, a, b):
    """What Python's floats say: a float, or the exception Python raises (complex -> error)."""
    try:
        r = BINARY[op](a, b)
    except (ZeroDivisionError, OverflowError, ValueError) as e:
        return e
    if isinstance(r, complex):
        return ValueError("complex")
    return r


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(sorted(BINARY)), anything_float, anything_float, st.booleans())
def test_binary_ops_on_arbitrary_floats(op, a, b, value_on_right):
    fn = BINARY[op]
    expected = python_reference(op, a, b)
    right = Value(b) if value_on_right else b
    try:
        out = fn(Value(a), right)
    except DOCUMENTED as e:
        assert op in str(e)
        assert isinstance(expected, Exception), f"{a!r} {op} {b!r}: Python gives {expected!r}"
        return
    assert not isinstance(expected, Exception), \
        f"{a!r} {op} {b!r}: Python raises {expected!r}, we gave {out.data!r}"
    assert same(out.data, expected)
    out.backward()                              # never an unexpected exception


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(["tanh", "sigmoid", "relu", "exp", "log", "neg"]), anything_float)
def test_unary_ops_on_arbitrary_floats(op, x):
    v = Value(x)
    try:
        out = -v if op == "neg" else getattr(v, op)()
    except (ValueError, OverflowError) as e:
        assert op in str(e)
        if op == "log":
            assert x <= 0.0
        else:
            assert op == "exp" and x > 709.0
        return
    ref = {"tanh": math.tanh, "neg": operator.neg,
           "relu": lambda t: t if not t < 0.0 else 0.0,
           "exp": math.exp, "log": math.log,
           "sigmoid": lambda t: 0.5 * (1.0 + math.tanh(t / 2.0))}[op]
    if op == "sigmoid":
        assert same(round(out.data, 12), round(ref(x), 12)) or out.data == pytest.approx(ref(x))
    else:
        assert same(out.data, ref(x))
    out.backward()
    assert not (math.isfinite(x) and op in ("tanh", "sigmoid")) or math.isfinite(v.grad)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(BINARY)), non_numbers, st.booleans())
def test_non_numbers_raise_type_error_naming_the_type(op, junk, junk_on_left):
    fn = BINARY[op]
    with pytest.raises(TypeError) as info:
        fn(junk, Value(1.5)) if junk_on_left else fn(Value(1.5), junk)
    msg = str(info.value)
    assert type(junk).__name__ in msg or "unsupported operand" in msg or "can't multiply" in msg


@settings(max_examples=200, deadline=None)
@given(non_numbers)
def test_constructor_fuzz(junk):
    with pytest.raises(TypeError, match=type(junk).__name__):
        Value(junk)


@settings(max_examples=100, deadline=None)
@given(st.lists(anything_float, min_size=2, max_size=2))
def test_mlp_on_arbitrary_inputs_never_raises_unexpectedly(xs):
    model = MLP(2, [3, 1], activations=["tanh", "sigmoid"])
    out = model(xs)
    out.backward()
    assert math.isnan(out.data) or 0.0 <= out.data <= 1.0


# --- nothing lost --------------------------------------------------------------------------

def test_failed_op_leaves_the_graph_unchanged():
    x = Value(-1.0, label="x")
    y = x * 2
    with pytest.raises(ValueError):
        y.log()
    y.backward()
    assert x.grad == 2.0 and y._prev[0] is x and len(y._prev) == 2


def test_gradcheck_of_stable_sigmoid_at_extremes():
    for x in (-30.0, 30.0):
        assert gradcheck(lambda z: z.sigmoid(), [x], atol=1e-9)


# --- overflow and .data assignments --------------------------------------------------------

def test_a_huge_int_says_what_overflowed_and_how_to_fix_it():
    with pytest.raises(OverflowError) as info:
        Value(10 ** 400)
    msg = str(info.value)
    assert msg.startswith("Value:") and "too large for a float" in msg and "scale it down" in msg
    assert len(msg) < 200                       # the 401-digit number is shortened
    with pytest.raises(OverflowError, match=r"^\*: .*too large for a float"):
        Value(1.0) * 10 ** 400


def test_assigning_an_int_to_data_acts_as_its_float():
    # documented on Value: .data is not checked on assignment (that would slow every op);
    # an int that fits a float works as that float, and every op's result is a float
    v = Value(1.5)
    v.data = 3
    out = v * 2 + v
    assert out.data == 9.0 and type(out.data) is float
    out.backward()
    assert v.grad == 3.0


@pytest.mark.parametrize("bad, error", [(10 ** 400, OverflowError), ("3", TypeError),
                                        (None, TypeError)])
def test_a_bad_data_assignment_fails_at_the_next_op_naming_it(bad, error):
    v = Value(1.0, label="w")
    v.data = bad
    for op in (lambda: v + 1, lambda: v * 2, lambda: v - 1, lambda: v.log()):
        with pytest.raises(error) as info:
            op()
        msg = str(info.value)
        assert ".data" in msg and "'w'" in msg and "assign floats" in msg and len(msg) < 240
