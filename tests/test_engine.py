"""The engine: hand-derived values, named regressions, and one numeric check per op."""

import math

import pytest

from autograd_xor import Value, enable_grad, gradcheck, is_grad_enabled, no_grad, topological_order


def test_hand_derived_neuron():
    # o = tanh(x1 w1 + x2 w2 + b) with the micrograd lecture's numbers
    x1, x2, w1, w2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    n = -6.0 + 6.8813735870195432
    t = math.tanh(n)
    assert o.data == pytest.approx(t)
    d = 1 - t * t                                   # do/dn
    assert x1.grad == pytest.approx(d * -3.0)
    assert w1.grad == pytest.approx(d * 2.0)
    assert x2.grad == pytest.approx(d * 1.0)
    assert w2.grad == pytest.approx(0.0)
    assert b.grad == pytest.approx(d)


def test_micrograd_readme_example():
    a, b = Value(-4.0), Value(2.0)
    c = a + b
    d = a * b + b ** 3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e ** 2
    g = f / 2.0
    g += 10.0 / f
    assert f"{g.data:.4f}" == "24.7041"
    g.backward()
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"


def test_reused_node_accumulates():
    a = Value(3.0)
    b = a + a
    c = b + b
    c.backward()
    assert (b.grad, a.grad) == (2.0, 4.0)


def test_square_of_same_node():
    a = Value(-3.0)
    (a * a).backward()
    assert a.grad == -6.0


def test_second_backward_adds_exactly_one_more_gradient():
    # micrograd would carry z.grad over into the second pass and give x.grad != 2 * first
    x = Value(1.5)
    z = x * x
    y = z * z + z
    y.backward()
    first = x.grad
    assert first == pytest.approx(4 * 1.5 ** 3 + 2 * 1.5)      # d(x^4 + x^2)/dx
    assert z.grad == pytest.approx(2 * 1.5 ** 2 + 1)           # inner grads are this pass's
    y.backward()
    assert x.grad == pytest.approx(2 * first)
    assert z.grad == pytest.approx(2 * 1.5 ** 2 + 1)


def test_backward_on_a_leaf_adds_one():
    x = Value(2.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_million_op_chain():
    x = Value(0.5)
    y = x
    for _ in range(500_000):
        y = y * 1.0 + 0.0          # two ops per step: a million ops deep
    y.backward()
    assert y.data == 0.5
    assert x.grad == 1.0


def test_topological_order_is_parents_first_and_deterministic():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    c = a * b
    d = c + a
    order = topological_order(d)
    assert order[-1] is d
    pos = {id(v): i for i, v in enumerate(order)}
    for v in order:
        for p in v._prev:
            assert pos[id(p)] < pos[id(v)]
    assert [v.label for v in order[:2]] == ["a", "b"]
    assert [id(v) for v in topological_order(d)] == [id(v) for v in order]


def test_parents_are_an_ordered_tuple_and_op_names():
    a, b = Value(1.0), Value(2.0)
    c = a - b
    assert c._prev == (a, b) and c._op == "-"
    assert (b - a)._prev == (b, a)
    assert (a ** 2)._op == "**2"
    assert (a ** b)._op == "**"
    assert a._op == "" and a._prev == ()


def test_constructor_and_repr():
    v = Value(3, label="w")
    assert isinstance(v.data, float) and v.data == 3.0 and v.grad == 0.0
    assert repr(v) == "Value(data=3.0, grad=0.0, label='w')"
    assert repr(Value(1.5)) == "Value(data=1.5, grad=0.0)"


@pytest.mark.parametrize("bad", ["1.0", None, [1.0], 1j, {}])
def test_constructor_rejects_non_numbers(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


@pytest.mark.parametrize("op", ["+", "-", "*", "/", "**"])
def test_ops_reject_non_numbers(op):
    import operator
    fn = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
          "**": operator.pow}[op]
    with pytest.raises(TypeError, match=r"str"):
        fn(Value(1.0), "2")
    with pytest.raises(TypeError):
        fn("2", Value(1.0))


def test_no_grad_records_no_graph():
    a = Value(2.0)
    assert is_grad_enabled()
    with no_grad():
        assert not is_grad_enabled()
        b = a * 3 + 1
        with enable_grad():
            c = a * 2
    assert is_grad_enabled()
    assert b.data == 7.0 and b._prev == () and b._op == ""
    assert c._prev != ()
    b.backward()
    assert a.grad == 0.0


def test_no_grad_restores_on_error():
    with pytest.raises(RuntimeError), no_grad():
        raise RuntimeError("boom")
    assert is_grad_enabled()


# --- one numeric check per op, on both sides of every kink -----------------------------

OPS = {
    "add": lambda a, b: a + b,
    "radd": lambda a, b: 2.5 + a,
    "sub": lambda a, b: a - b,
    "rsub": lambda a, b: 2.5 - a,
    "mul": lambda a, b: a * b,
    "rmul": lambda a, b: 2.5 * a,
    "div": lambda a, b: a / b,
    "rdiv": lambda a, b: 2.5 / b,
    "neg": lambda a, b: -a,
    "pow_int": lambda a, b: a ** 3,
    "pow_neg": lambda a, b: a ** -2,
    "pow_value": lambda a, b: b ** a,
    "rpow": lambda a, b: 2.5 ** a,
    "tanh": lambda a, b: a.tanh(),
    "sigmoid": lambda a, b: a.sigmoid(),
    "exp": lambda a, b: a.exp(),
    "relu": lambda a, b: a.relu(),
}


@pytest.mark.parametrize("name", sorted(OPS))
@pytest.mark.parametrize("a", [1.1, -1.1])
def test_op_gradient_matches_finite_differences(name, a):
    assert gradcheck(OPS[name], [a, 1.7])


@pytest.mark.parametrize("x", [0.3, 2.5])
def test_log_and_fractional_pow_on_their_domain(x):
    assert gradcheck(lambda a: a.log(), [x])
    assert gradcheck(lambda a: a ** 0.5, [x])
    assert gradcheck(lambda a: a ** -1.5, [x])


def test_relu_kink_convention():
    # relu'(0) = 0, as in micrograd and PyTorch; on each side the slope is 0 or 1.
    for x, slope in [(-1e-9, 0.0), (0.0, 0.0), (1e-9, 1.0)]:
        v = Value(x)
        v.relu().backward()
        assert v.grad == slope
    assert Value(0.0).relu().data == 0.0


def test_pow_at_zero_base_conventions():
    z = Value(0.0)
    (z ** 0.5).backward()
    assert z.grad == math.inf                    # d sqrt(a)/da -> inf as a -> 0
    z = Value(0.0)
    (z ** 2).backward()
    assert z.grad == 0.0
    a, b = Value(0.0), Value(2.0)
    (a ** b).backward()
    assert (a.grad, b.grad) == (0.0, 0.0)        # d(0^b)/db = 0 for b > 0 (PyTorch)
    a, b = Value(-2.0), Value(3.0)
    c = a ** b
    c.backward()
    assert c.data == -8.0 and a.grad == 12.0 and math.isnan(b.grad)   # ln of a negative base


def test_sigmoid_and_tanh_identities():
    for x in (-3.0, -0.2, 0.0, 0.7, 4.0):
        s = Value(x).sigmoid().data
        assert s == pytest.approx(1 / (1 + math.exp(-x)))
        assert Value(x).tanh().data == pytest.approx(2 * (1 / (1 + math.exp(-2 * x))) - 1)


def test_engine_is_small_enough_to_read_in_one_sitting():
    # "small" for the engine: at most 335 lines of code, not counting docstrings,
    # comments, blank lines and what only type checkers read (the slots' types, the methods
    # made from the op table, the imports for them); a reader should find every op on one
    # screen. (320 until the walk learnt to go down a chain of first parents in one loop
    # and backward() to skip zero gradients: W1-ops 25x -> 35x micrograd for 9 lines.)
    import ast
    import inspect

    from autograd_xor import engine
    source = inspect.getsource(engine)
    skipped = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(getattr(body[0], "value", None), ast.Constant) \
                and isinstance(body[0].value.value, str):
            skipped.update(range(body[0].lineno, body[0].end_lineno + 1))
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and item.value is None:
                    skipped.update(range(item.lineno, item.end_lineno + 1))
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            skipped.update(range(node.lineno, node.end_lineno + 1))
        if isinstance(node, ast.ImportFrom) and node.module in ("__future__", "typing"):
            skipped.update(range(node.lineno, node.end_lineno + 1))
    code = [line for i, line in enumerate(source.splitlines(), 1)
            if i not in skipped and line.strip() and not line.strip().startswith("#")]
    assert len(code) <= 335, len(code)
