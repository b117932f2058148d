"""Differential tests of the compiled replay: a compiled step and the eager engine, run on the
same numbers, give the same values and gradients bit for bit (nan is nan, -0.0 is not 0.0),
or the replay refuses with CompileError. Random training steps (every op of the table, in
per-sample blocks that the replay rolls into loops) are run in two identical worlds, one
compiled and one eager, through several sets of numbers; then one named regression test
for each way the replay used to go wrong (issue 12)."""

import itertools
import math
import random
import struct
from pathlib import Path

import pytest
from hypothesis import event, given, settings, strategies as st

from autograd_xor import (
    MLP,
    CompileError,
    Neuron,
    Value,
    _replay_code as code,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    compile,
    cross_entropy,
    weighted_sum,
)
from autograd_xor.testing import BINARY, UNARY, Expression, expressions

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(autouse=True, scope="module")
def roll_small_graphs():
    """Roll runs of blocks from a dozen nodes on (not a few hundred), so that the small
    graphs of these tests run through the loops."""
    before = code.MIN_ROLLED_NODES
    code.MIN_ROLLED_NODES = 12
    yield
    code.MIN_ROLLED_NODES = before


def key(x):
    """A float's bits; every nan is the same nan."""
    return "nan" if x != x else struct.pack("<d", x)


def keys(xs):
    return [key(x) for x in xs]


# --- random training steps, compiled and eager ------------------------------------------

class World:
    """The Values and data of one random training step: parameters, a constant held in a
    Value, a target held in a Value, per-sample numbers (plain floats, or Values made
    outside fn), and the step's function built from a drawn program."""

    def __init__(self, program, n):
        self.program, self.n = program, n
        self.p = [Value(0.0, label=f"p{i}") for i in range(3)]
        self.c = Value(-1.5, label="c")                  # a negative constant, in a Value
        self.t = Value(1.0, label="t")                   # a target, in a Value
        self.xs = [0.0] * n                              # the closure's data ("closure")
        self.xv = [Value(0.0, label=f"x{k}") for k in range(n)]     # ("values")
        self.classes = [0] * n

    def values(self):
        return self.p + [self.c, self.t] + self.xv

    def set(self, numbers):
        for v, x in zip(self.p + [self.c, self.t], numbers["p"] + numbers["c_t"]):
            v.data = x
        if self.program["feed"] == "closure":   # (fn can reach these: the guards look)
            self.xs[:] = numbers["xs"]
            self.classes[:] = numbers["classes"]
        for v, x in zip(self.xv, numbers["xs"]):
            v.data = x

    def fn(self, xs=None, classes=None):
        prog, p, c, t = self.program, self.p, self.c, self.t
        feed = prog["feed"]
        xs = self.xs if xs is None else xs
        classes = self.classes if classes is None else classes
        terms = []
        for k in range(self.n):
            x = self.xv[k] if feed == "values" else Value(xs[k])
            h = prog["f"](p[0], p[1], x, c)
            if prog["shared"]:
                h = h * h + h                            # a sub-expression used 3 times
            if "ws" in prog["heads"]:
                plain = xs[k] if feed != "values" else -0.3
                # plain inputs: the sample's number, a negative constant, the same object twice
                h = h + weighted_sum(p, [plain, -2.5, plain], c).tanh()
            if "bce" in prog["heads"]:
                h = h + binary_cross_entropy(h.sigmoid(), t)
            if "bce_logits" in prog["heads"]:
                h = h + binary_cross_entropy_with_logits(h, t)
            if "xent" in prog["heads"]:
                h = h + cross_entropy([h, h * c, p[2]], classes[k])
            terms.append(h)
        if prog["combine"] == "sum":
            return sum(terms)
        if prog["combine"] == "mean":
            return sum(terms) / len(terms)
        acc = terms[0]
        for h in terms[1:]:
            acc = acc * 0.5 + h                           # a running combination
        return acc


programs = st.fixed_dictionaries({
    "f": expressions(4, max_leaves=6),
    "feed": st.sampled_from(["args", "closure", "values"]),
    "shared": st.booleans(),
    "combine": st.sampled_from(["sum", "mean", "chain"]),
    "heads": st.sets(st.sampled_from(["ws", "bce", "bce_logits", "xent"]), max_size=2),
})


def _numbers(n):
    small = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)
    return st.fixed_dictionaries({
        "p": st.lists(small, min_size=3, max_size=3),
        "c_t": st.tuples(st.floats(-3.0, -0.1), st.floats(0.0, 1.0)).map(list),
        "xs": st.lists(small, min_size=n, max_size=n),
        "classes": st.lists(st.integers(0, 2), min_size=n, max_size=n),
        "zero_grad": st.booleans(),
    })


@st.composite
def cases(draw):
    program = draw(programs)
    n = draw(st.integers(3, 8))
    runs = draw(st.lists(_numbers(n), min_size=4, max_size=5))
    for run in runs[1:]:
        # class indices are part of the graph (the op cross_entropy(y=k)): held still
        run["classes"] = runs[0]["classes"]
        if program["feed"] == "closure":             # the closure's data held still too
            run["xs"] = runs[0]["xs"]
    return program, n, runs


@settings(max_examples=150, deadline=None)
@given(cases())
def test_random_steps_replay_bit_for_bit(case):
    program, n, runs = case
    compiled, eager = World(program, n), World(program, n)
    if program["feed"] == "args":
        step = compile(lambda xs, classes: compiled.fn(xs, classes))
    else:
        step = compile(lambda: compiled.fn())
    for run in runs:
        for world in (compiled, eager):
            world.set(run)
            if run["zero_grad"]:
                for v in world.values():
                    v.grad = 0.0
        args = (list(run["xs"]), list(run["classes"])) if program["feed"] == "args" else ()
        got = step(*args)
        out = eager.fn(*args)
        out.backward()
        assert key(got) == key(out.data)
        assert keys(v.grad for v in compiled.values()) == keys(v.grad for v in eager.values())
    assert step.replays >= 1
    event("rolled into a loop" if "for k in range(" in step.source else "straight code")


def test_a_rolled_step_with_every_op_of_the_table():
    # one fixed case of the property test above, with every head, so that a plain test run
    # shows the loop and the numbers
    tree = ("x", 2)
    for name in sorted(UNARY):                       # every unary op, chained
        tree = (name, tree)
    for name in sorted(BINARY):                      # every binary op, with a parameter
        tree = (name, tree, ("x", 0))
    program = {"f": Expression(("+", tree, ("*", ("x", 1), ("x", 3))), 4), "feed": "args",
               "shared": True, "combine": "sum", "heads": {"ws", "bce", "bce_logits", "xent"}}
    compiled, eager = World(program, 5), World(program, 5)
    classes = [1] * 5           # a class index is part of the op: the same in every block
    step = compile(lambda xs, classes: compiled.fn(xs, classes))
    rng = random.Random(7)
    for _ in range(4):
        numbers = {"p": [rng.uniform(-1, 1) for _ in range(3)], "c_t": [-1.25, rng.random()],
                   "xs": [rng.uniform(-2, 2) for _ in range(5)], "classes": classes}
        for world in (compiled, eager):
            world.set(numbers)
            for v in world.values():
                v.grad = 0.0
        got = step(numbers["xs"], numbers["classes"])
        out = eager.fn(numbers["xs"], numbers["classes"])
        out.backward()
        assert key(got) == key(out.data)
        assert keys(v.grad for v in compiled.values()) == keys(v.grad for v in eager.values())
    assert step.replays == 2 and "for k in range(4):" in step.source   # (+ the root's block)


# --- one regression test per way the replay went wrong (issue 12) -----------------------

def _train(model, loss_fn, compiled, steps, lr=0.05):
    step = compile(loss_fn) if compiled else None
    trail = []
    for _ in range(steps):
        model.zero_grad()
        if compiled:
            loss = step()
        else:
            out = loss_fn()
            out.backward()
            loss = out.data
        trail.append(loss)
        trail += [p.grad for p in model.parameters()]
        for p in model.parameters():
            p.data -= lr * p.grad
    return keys(trail), step


def test_regression_negative_plain_inputs_of_a_weighted_sum_keep_their_factor():
    # the README's example: -0.3 fed to a neuron as a plain float gave 3 of 33 wrong
    # gradients from step 3 on
    def run(compiled):
        random.seed(0)
        model = MLP(2, [8, 1])
        data = [([0.5, -1.0], 1.0), ([-0.3, 0.8], -1.0), ([-2.5, -0.75], 1.0)]
        return _train(model, lambda: sum((1 - y * model(x)).relu() for x, y in data),
                      compiled, 10)
    eager, _ = run(False)
    replayed, step = run(True)
    assert replayed == eager and step.replays == 8


def test_regression_a_target_held_in_a_value_is_read_on_every_call():
    # bce's target was frozen at trace time: changing it between calls was ignored
    for loss in (binary_cross_entropy, binary_cross_entropy_with_logits):
        p, t = Value(0.3), Value(1.0)
        step = compile(lambda: loss((p * 1.0).sigmoid(), t))  # noqa: B023  (called in this turn)
        for target in [1.0, 1.0, 0.0, 0.25, 1.0, 0.5]:
            t.data, p.grad, t.grad = target, 0.0, 0.0
            got, grads = step(), (p.grad, t.grad)
            ref_p, ref_t = Value(0.3), Value(target)
            out = loss((ref_p * 1.0).sigmoid(), ref_t)
            out.backward()
            assert keys([got, *grads]) == keys([out.data, ref_p.grad, ref_t.grad])
        assert step.replays == 4


def test_regression_weighted_sum_layout_comes_from_its_bitmask():
    # the replay told a weight's plain input from a Value input by float identity (`is`):
    # equal floats and one float object in several places must not confuse it
    half = 0.5
    w = [Value(half), Value(-1.0), Value(2.0), Value(half)]
    x = Value(half)                       # a Value input whose .data is the same object
    b = Value(half)

    def fn():
        return weighted_sum(w, [half, x, half, -half], b).tanh() * x
    step = compile(fn)
    for k in range(5):
        for v in w + [x, b]:
            v.grad = 0.0
        x.data = half + k / 8
        got, grads = step(), [v.grad for v in w + [x, b]]
        for v in w + [x, b]:
            v.grad = 0.0
        out = fn()
        out.backward()
        assert keys([got, *grads]) == keys([out.data] + [v.grad for v in w + [x, b]])
    assert step.replays == 3


def test_regression_rebinding_a_parameter_is_seen():
    n = Neuron(2, activation="tanh", weights=[0.5, -0.25])
    step = compile(lambda: n([1.0, -2.0]) * 2.0)
    step(), step(), step()
    old = n.w[0]
    n.w[0] = Value(3.0)                   # a new Value: the replay read the old one
    n.zero_grad()
    old.grad = 0.0
    got = step()
    out = n([1.0, -2.0]) * 2.0
    assert got == out.data and old.grad == 0.0 and n.w[0].grad != 0.0
    assert step.retraces == 1


def test_regression_growing_the_data_list_is_seen():
    w = Value(0.5)
    data = [1.0, -2.0]
    step = compile(lambda: sum((w * x).tanh() for x in data))
    step(), step(), step()
    data.append(3.0)                      # the graph grows: the replay had two points
    assert step() == sum((w * x).tanh() for x in data).data
    assert step.retraces == 1


def test_regression_a_branch_on_data_that_flips_on_a_later_call():
    w = Value(1.0)
    step = compile(lambda: w.relu() if w.data < 5 else w.tanh())
    for v in [1.0, 2.0, 3.0, 4.0, 4.5, 7.0, 8.0, 9.0, 2.0]:
        w.data, w.grad = v, 0.0
        got = step()
        ref = Value(v)
        out = ref.relu() if v < 5 else ref.tanh()
        out.backward()
        assert keys([got, w.grad]) == keys([out.data, ref.grad])
    # w.data < 5 is a condition: replayed while it holds (calls 3-5, 8), traced again
    # when it flips (calls 6 and 9)
    assert step.retraces == 2 and step.replays == 4


def test_regression_minibatches_from_a_closure_are_refused_and_arguments_replay():
    random.seed(3)
    model = MLP(2, [4, 1])
    rng = random.Random(5)
    batches = [[[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(4)]
               for _ in range(8)]
    batch = list(batches[0])

    def from_closure():
        return sum(model(x).tanh() for x in batch)
    step = compile(from_closure)
    with pytest.raises(CompileError, match="closure variable batch: its numbers changed.* "
                                           "Pass numbers that change .* as arguments"):
        for b in batches:
            batch[:] = b
            step()
    step = compile(lambda xs: sum(model(x).tanh() for x in xs))
    for b in batches:
        model.zero_grad()
        got, grads = step(b), keys(p.grad for p in model.parameters())
        model.zero_grad()
        out = sum(model(x).tanh() for x in b)
        out.backward()
        assert key(got) == key(out.data) and grads == keys(p.grad for p in model.parameters())
    assert step.replays == 6 and step.retraces == 0


def test_the_readme_compile_example_gives_the_eager_numbers():
    text = README.read_text(encoding="utf-8")
    block = text[text.index("### The compiled replay"):]
    block = block[block.index("```python") + 9:block.index("```", block.index("```python") + 9)]
    code = "\n".join(line[4:] for line in block.splitlines()
                     if line.startswith((">>> ", "... ")))

    class Eager:
        """compile() for the comparison: each call is fn().backward()."""
        replays = 8

        def __init__(self, fn):
            self.fn = fn

        def __call__(self, *args):
            out = self.fn(*args)
            out.backward()
            return out.data

    runs = []
    for compile_ in (compile, Eager):
        env = {"compile": compile_}
        # the README's own example
        exec(code.replace("from autograd_xor import MLP, compile",  # noqa: S102
                          "from autograd_xor import MLP"), env)
        runs.append(keys([env["loss"]] + [p.data for p in env["model"].parameters()]))
    assert runs[0] == runs[1]


# --- what the guards see ----------------------------------------------------------------

def test_argument_floats_are_read_live_and_what_fn_computes_from_them_too():
    w = Value(0.5)
    step = compile(lambda xs, ys: sum((1 + -y * (w * x)).relu() for x, y in zip(xs, ys)))
    for xs, ys in [([1.0, 2.0], [1.0, -1.0]), ([0.5, -3.0], [-1.0, 1.0]),
                   ([2.0, 0.25], [1.0, 1.0]), ([-1.5, 1.5], [-1.0, -1.0])]:
        w.grad = 0.0
        got = step(xs, ys)
        ref = Value(0.5)
        out = sum((1 + -y * (ref * x)).relu() for x, y in zip(xs, ys))
        out.backward()
        assert keys([got, w.grad]) == keys([out.data, ref.grad])
    assert step.replays == 2 and step.retraces == 0
    assert "-x" in step.source or "(-" in step.source      # -y computed from the argument


def test_an_argument_used_in_a_math_function_is_held_to_its_number():
    w = Value(0.5)
    step = compile(lambda x: w * math.exp(x))
    for x in [1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0]:
        assert step(x) == 0.5 * math.exp(x)
    assert step.retraces == 1 and step.replays == 3


def test_an_argument_that_decides_a_branch_is_a_condition():
    w = Value(2.0)
    step = compile(lambda x: w * x if x > 0 else w - x)
    for x in [1.0, 2.0, 3.0, -1.0, -2.0, -3.0, 4.0]:
        w.grad = 0.0
        assert step(x) == (2.0 * x if x > 0 else 2.0 - x)
        assert w.grad == (x if x > 0 else 1.0)
    assert step.replays == 2 and step.retraces == 2


def test_fn_that_cannot_take_the_stand_ins_is_traced_with_plain_floats():
    w = Value(2.0)

    def fn(x):
        if not isinstance(x, float):          # a TracedFloat is not a float
            raise TypeError("x must be a float")
        return w * x
    step = compile(fn)
    assert [step(1.5), step(1.5), step(1.5), step(2.5)] == [3.0, 3.0, 3.0, 5.0]
    assert step.replays == 1


def test_a_changing_read_of_a_node_is_refused_with_where():
    w = Value(1.0)

    def fn():
        loss = (w * w).tanh()
        return loss * 2.0 if loss.data > 0.5 else loss     # reads a node's number
    step = compile(fn)
    for v in [1.0, 1.1, 1.2]:
        w.data = v
        step()
    # the condition on the node is held to the node's number: it keeps changing
    with pytest.raises(CompileError, match=r"read \.data of node 2 \(tanh\) at "
                                           r".*test_compile_diff\.py:\d+ \(fn\)"):
        for v in [1.3, 1.4, 1.5, 1.6]:
            w.data = v
            step()


def test_fn_setting_grad_of_a_parameter_is_refused():
    model = Neuron(2)

    def fn():
        model.zero_grad()                    # a side effect a replay would not repeat
        return model([1.0, 2.0]).relu()
    step = compile(fn)
    step()
    with pytest.raises(CompileError, match=r"fn sets \.grad .* model\.zero_grad\(\) before"):
        step()


def test_a_changed_argument_structure_is_traced_again():
    w = Value(0.5)
    step = compile(lambda xs: sum(w * x for x in xs))
    for xs in [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [1.0, 2.0, 3.0], [4.0, 5.0, 6.0],
               [7.0, 8.0, 9.0]]:
        assert step(xs) == sum(w * x for x in xs).data
    assert step.retraces == 1 and step.replays == 2


def test_keyword_arguments_and_values_in_arguments():
    w = Value(0.5)
    a, b = Value(1.0), Value(2.0)
    step = compile(lambda v, scale=1.0: (w * v * scale).tanh())
    for v, scale in [(a, 1.0), (a, 2.0), (a, 3.0), (b, 3.0), (b, 4.0), (b, 5.0)]:
        assert step(v, scale=scale) == (w * v * scale).tanh().data
    assert step.retraces == 1 and step.replays == 2


def test_random_numbers_drawn_inside_fn_are_refused():
    w = Value(1.0)
    rng = random.Random(0)
    step = compile(lambda: w * rng.uniform(-1, 1))
    step()
    with pytest.raises(CompileError):
        for _ in range(5):
            step()


def test_retraces_on_most_calls_say_what_keeps_changing():
    w = Value(1.0)
    counter = itertools.count()
    scale = [1.0]

    def fn():
        return w * scale[0]
    step = compile(fn)
    with pytest.raises(CompileError, match=r"traced again on 3 of \d calls.*closure variable "
                                           r"scale: its numbers changed.*as arguments"):
        for _ in range(6):
            scale[0] = float(next(counter))
            step()


def test_showing_a_number_inside_fn_does_not_hold_the_replay(capsys):
    w = Value(0.5)

    def fn(x):
        loss = (w * x).tanh()
        print(f"loss {loss.data:.3f} ({loss!r})")     # shown on the eager calls only
        return loss
    step = compile(fn)
    for x in [1.0, 2.0, 3.0, 4.0]:
        assert step(x) == math.tanh(0.5 * x)
    assert step.replays == 2 and capsys.readouterr().out.count("loss") == 2


def test_item_is_a_read_like_data():
    w = Value(1.0)
    step = compile(lambda: w * 3.0 if w.item() < 2.0 else w * 5.0)
    for v in [1.0, 1.5, 1.8, 2.5, 3.0, 3.5]:
        w.data = v
        assert step() == v * (3.0 if v < 2.0 else 5.0)
    assert step.retraces == 1 and step.replays == 2


def test_an_error_of_fn_is_its_own_and_changes_nothing():
    w = Value(0.5)

    def fn(x):
        if x > 10:                                   # a condition on an argument
            raise ValueError("x too large")
        return w * x
    step = compile(fn)
    with pytest.raises(ValueError, match="x too large"):
        step(11.0)
    assert [step(1.0), step(2.0), step(3.0), step(4.0)] == [0.5, 1.0, 1.5, 2.0]
    assert step.replays == 2 and "A[0]" in step.source     # still read from the argument


def test_a_value_passed_as_an_argument_and_read_by_fn_is_guarded():
    w, flag = Value(2.0), Value(1.0)
    step = compile(lambda f: w * 3.0 if f.data > 0 else w * -1.0)
    for value in [1.0, 2.0, 3.0, -1.0, -2.0]:
        flag.data = value
        assert step(flag) == (6.0 if value > 0 else -2.0)
    assert step.retraces == 1


def test_fn_that_changes_what_it_reads_is_traced_again_until_refused():
    w, history = Value(0.5), []

    def fn():
        history.append(len(history))                # state fn reads, changed by fn
        return w * 2.0
    step = compile(fn)
    with pytest.raises(CompileError, match="closure variable history: its shape"):
        for _ in range(6):
            step()


def test_class_attributes_and_partial_arguments_are_guarded():
    import functools

    class Config:
        scale = 2.0
    w = Value(1.0)
    step = compile(lambda: w * Config.scale)
    step(), step(), step()
    Config.scale = 3.0                                # a class attribute fn reads
    assert step() == 3.0 and step.retraces == 1
    data = [1.0, 2.0]
    step = compile(functools.partial(lambda xs: sum(w * x for x in xs), data))
    step(), step(), step()
    data[0] = 5.0                                     # a list a partial holds
    assert step() == 7.0 and step.retraces == 1


def test_infinities_and_nans_in_a_rolled_step_are_the_eager_ones():
    # inf * 0 = nan in the backward pass of a saturated tanh, a relu fed nan, -0.0
    def run(compiled):
        w, b = Value(0.5), Value(-0.0)
        xs = [1.0, 1e308, -1e308, 0.0, -0.0, 2.0, float("-inf"), 3.0]   # w.grad: nan

        def fn(xs):
            return sum(((w * x * 1e10 + b).tanh() * w + (w * x).relu() * b).sigmoid()
                       for x in xs)
        step = compile(fn) if compiled else None
        trail = []
        for _ in range(4):
            if compiled:
                loss = step(xs)
            else:
                out = fn(xs)
                out.backward()
                loss = out.data
            trail += [loss, w.grad, b.grad]
        return keys(trail), step
    eager, _ = run(False)
    replayed, step = run(True)
    assert replayed == eager and step.replays == 2 and "for k in range(" in step.source


def test_a_number_fn_computes_from_a_parameter_is_recomputed():
    # Value(w.data * 2): a constant in the graph, but made afresh from w on every call
    w = Value(0.5)
    step = compile(lambda: (w * Value(w.data * 2.0)).tanh())
    for v in [0.5, 0.25, -1.0, 2.0, 3.0]:
        w.data, w.grad = v, 0.0
        ref = Value(v)
        out = (ref * Value(v * 2.0)).tanh()
        out.backward()
        assert keys([step(), w.grad]) == keys([out.data, ref.grad])
    assert step.replays == 3 and step.retraces == 0


def test_tracing_in_one_thread_leaves_another_thread_alone():
    # while fn is traced, Value.data is a property for every thread: another thread's reads
    # are its own (not recorded) and its numbers the same
    import threading
    inside, done = threading.Event(), threading.Event()
    w = Value(0.5)

    def fn():
        inside.set()
        done.wait(5)                  # the other thread works while this one traces
        return w * 2.0
    results = []

    def other():
        inside.wait(5)
        a = Value(3.0)
        b = (a * a).tanh()
        b.backward()
        results.append((b.data, a.grad, a.data > 2.0))
        done.set()
    t = threading.Thread(target=other)
    t.start()
    step = compile(fn)
    assert step() == 1.0
    t.join(5)
    ref = Value(3.0)
    out = (ref * ref).tanh()
    out.backward()
    assert results == [(out.data, ref.grad, True)]
    # (the events fn reads changed during call 1: call 2 traces again)
    assert [step(), step(), step()] == [1.0, 1.0, 1.0] and step.replays == 1
