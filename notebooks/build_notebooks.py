"""Write every notebook in this folder, without outputs.

    .venv/bin/python notebooks/build_notebooks.py

The tour notebooks (01-05) come from the cells below; one notebook per walkthrough,
`walkthrough_<name>.ipynb`, comes from its `autograd_xor.walkthroughs` object (title, intro,
figures and its own cells: what the CLI and the docs read too). Edit the cells there or
here, not in the .ipynb files, and run the script again. A cell's id is derived from the
notebook's name and the cell's place, so an unchanged notebook is rebuilt byte for byte.
The test suite checks that the stored files are what this script writes and executes every
notebook from a clean kernel (tests/test_notebooks.py).
"""

import hashlib
import os

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograd_xor.walkthroughs import FIGURES, WALKTHROUGHS

HERE = os.path.dirname(os.path.abspath(__file__))


def md(text):
    return new_markdown_cell(text.strip("\n"))


def code(text):
    return new_code_cell(text.strip("\n"))


ENGINE_TOUR = [
    md("""
# A tour of the engine

Every number in a computation is a `Value`. An op makes a new `Value` that remembers its
parents (`_prev`), the op (`_op`) and, already at forward time, the local derivative of its
result with respect to each parent (`_local`, plain floats). `backward()` then only has to
multiply and add along one walk of the graph. This notebook draws each step of that story.
"""),
    code("""
import autograd_xor as ag
from autograd_xor import Value, draw_dot, topological_order
"""),
    md("""
## One neuron by hand

The numbers of the micrograd lecture: `o = tanh(x1·w1 + x2·w2 + b)`. Each node is drawn as
`{ label | data | grad }` and each op as its own small node.
"""),
    code("""
x1 = Value(2.0, label="x1"); x2 = Value(0.0, label="x2")
w1 = Value(-3.0, label="w1"); w2 = Value(1.0, label="w2")
b = Value(6.8813735870195432, label="b")
x1w1 = x1 * w1; x1w1.label = "x1·w1"
x2w2 = x2 * w2; x2w2.label = "x2·w2"
s = x1w1 + x2w2; s.label = "x1·w1 + x2·w2"
n = s + b; n.label = "n"
o = n.tanh(); o.label = "o"
o.backward()
draw_dot(o)
"""),
    md("""
`do/dn = 1 − tanh(n)² = 0.5`, so `x1` gets `0.5 · w1 = −1.5` and `w1` gets `0.5 · x1 = 1`; `w2`
gets nothing because its input `x2` is zero.
"""),
    code("""
assert round(o.data, 4) == 0.7071
assert (round(x1.grad, 4), round(w1.grad, 4), round(x2.grad, 4), round(w2.grad, 4)) == \\
    (-1.5, 1.0, 0.5, 0.0)
"""),
    md("""
## Local derivatives are stored at forward time

`show_local=True` writes on each edge the local derivative the gradient is multiplied by on
its way back. They are the floats each node keeps in `_local`:
"""),
    code("""
draw_dot(o, show_local=True)
"""),
    code("""
for v in topological_order(o):
    print(f"{v.label:>14}  {v._op or 'leaf':5}  local derivatives {v._local}")
"""),
    md("""
## `backward()` is one walk

`topological_order(root)` lists every node after its parents. Walking it backwards, each
node's gradient is complete when it is reached, and it passes `local × upstream` on to each
parent. Five lines do what `backward()` did:
"""),
    code("""
order = topological_order(o)
grads = {v: 0.0 for v in order}
grads[o] = 1.0
for v in reversed(order):
    for parent, local in zip(v._prev, v._local):
        grads[parent] += local * grads[v]
assert all(grads[v] == v.grad for v in order)
[(v.label, grads[v]) for v in order]
"""),
    md("""
## A node used twice

Gradients add up where a value is used more than once: `b = a + a; c = b + b` gives
`dc/da = 4`. There is one edge per use.
"""),
    code("""
a = Value(1.5, label="a")
b2 = a + a; b2.label = "b"
c = b2 + b2; c.label = "c"
c.backward()
assert a.grad == 4.0
draw_dot(c, show_local=True)
"""),
    md("""
## A neuron is one fused node

`Neuron` computes its weighted sum as a single node, `Σw·x+b`, whose edges always show their
factors: for a weight, its input (plain numbers are not nodes, so this is where they show),
and `1` for the bias.
"""),
    code("""
neuron = ag.Neuron(2, activation="tanh", weights=[-3.0, 1.0], bias=6.8813735870195432)
for p, name in zip(neuron.parameters(), ["w1", "w2", "b"]):
    p.label = name
out = neuron([2.0, 0.0]); out.label = "o"
out.backward()
assert round(out.data, 4) == 0.7071 and round(neuron.w[0].grad, 4) == 1.0
draw_dot(out)
"""),
    md("""
## Highlighting, and the DOT text

`highlight` fills nodes (Values or labels). The drawing is plain DOT text underneath; node
ids are positions in the topological order, so the same graph always gives the same text.
"""),
    code("""
draw_dot(o, highlight=["n", "b"], rankdir="TB")
"""),
    code("""
print(ag.to_dot(c))
assert ag.to_dot(c) == draw_dot(c).source
"""),
]


GF_WALKTHROUGH = [
    md("""
# The five-weight G/F network, stepped through

A textbook's five-weight network (from the section “Using Backpropagation to Compute the
Gradient”): a tanh neuron G feeds a sigmoid neuron F, and the error is `e = (y − f)²/2`. The
worked example computes one step of backpropagation; here we watch the engine do it, node
by node.
"""),
    code("""
import autograd_xor as ag
from autograd_xor.walkthroughs import get
from autograd_xor.stepping import backward_steps, forward_steps

gf = get("gf")
print(gf.render(gf.run()))
"""),
    md("""
## The graph after one backward pass

Leaves and inner nodes carry the textbook's names: the weights `w_xg0 … w_gf1` (`w_xg0` and
`w_gf0` are the biases), `z_g`, `y_g`, `z_f`, `y_f` and the error `e`.
"""),
    code("""
loss = gf.graph()
ag.draw_dot(loss)
"""),
    md("""
## The forward pass, node by node

Each step shows the value and the local derivatives the node stores for later.
"""),
    code("""
for s in forward_steps(loss):
    print(s)
"""),
    md("""
## The backward pass, node by node

In reverse topological order: each node's upstream gradient `∂e/∂node`, and what it adds to
each parent (`local × upstream`). Stepping keeps its own table and leaves every `.grad` as
it was; its last step holds exactly the gradients `backward()` computed.
"""),
    code("""
for s in backward_steps(loss):
    print(s)
"""),
    code("""
last = list(backward_steps(loss))[-1]
assert all(last.grads[v] == v.grad for v in ag.topological_order(loss))
{name: round(last.grads[v], 6) for v in ag.topological_order(loss)
 for name in [v.label] if name.startswith("w_")}
"""),
    md("""
## The stepper

In Jupyter, `ag.step(loss)` is a widget: the buttons and the slider move through the forward
and then the backward pass, the current node is orange, its parents blue, and the gradients
are those known so far. It can be driven from code as well.
"""),
    code("""
stepper = ag.step(loss)
stepper
"""),
    code("""
forward = sum(1 for s in stepper.steps if type(s).__name__ == "ForwardStep")
stepper.show(forward)           # the first backward step, at e: ∂e/∂e = 1
stepper.next_button.click()     # what a click does
stepper.next()
print(stepper.current)
assert stepper.slider.value == forward + 2
"""),
    md("""
Without widgets (or with `widget=False`), `step` is a plain iterator whose steps show
themselves: a line of text and the graph.
"""),
    code("""
steps = ag.step(loss, "backward", widget=False)
next(steps)
"""),
    code("""
next(steps)
"""),
    md("""
## The coloured network

The same pass at the level of neurons: each weight edge is coloured by the sign of its
adjustment `−grad` (blue and solid: gradient descent raises the weight; orange and dashed:
lowers it) and is as wide as the adjustment is large. The bias `w_gf0` moves most; `w_xg1` and `w_gf1` go down.
"""),
    code("""
net = gf.network()
ag.draw_network(net, neuron_labels=[["G"], ["F"]])
"""),
    code("""
moves = {p.label: "up" if p.grad < 0 else "down" for p in net.parameters()}
assert moves == {"w_xg1": "down", "w_xg2": "up", "w_xg0": "up", "w_gf1": "down", "w_gf0": "up"}
moves
"""),
]


XOR_TRAINING = [
    md("""
# Learning XOR

A 2-4-1 network (tanh hidden layer, sigmoid output) trained with full-batch gradient descent
on mean binary cross-entropy: `autograd_xor.xor.train_xor`, the job `autograd-xor train` runs.
"""),
    code("""
import autograd_xor as ag
from autograd_xor.xor import XOR_INPUTS, XOR_TARGETS, train_xor

result = train_xor(hidden=4, epochs=1000, lr=0.5, seed=0)
assert result.learned
[(x, t, round(p, 3)) for x, t, p in zip(XOR_INPUTS, XOR_TARGETS, result.predictions)]
"""),
    md("""
## The loss curve and the learned decision boundary

`autograd_xor.plotting` draws the picture `autograd-xor train --plot` writes: the loss before
each update (left) and the network's output over the plane, evaluated without recording
graphs (right). The black line is where the output crosses 0.5; the four XOR points sit on
the right sides of it.
"""),
    code("""
from IPython.display import SVG
from autograd_xor.plotting import decision_grid, training_image

SVG(training_image(result, "svg"))
"""),
    code("""
assert result.losses[-1] < result.losses[0] / 10
_, _, corners = decision_grid(result.model, n=2, lo=0.0, hi=1.0)   # rows: x2 = 0, then 1
assert [[round(out) for out in row] for row in corners] == [[0, 1], [1, 0]]
"""),
    md("""
## The trained network

The weights after training; the colours show the last step's adjustments (the gradients of
the last backward pass), which are small now that the loss is low.
"""),
    code("""
ag.draw_network(result.model, show_labels=False, neuron_labels=[["h1", "h2", "h3", "h4"], ["out"]])
"""),
    md("""
## One example's loss as a graph

The computation behind the loss of the input (1, 0): each hidden neuron is one fused
`Σw·x+b` node followed by its activation.
"""),
    code("""
loss = ag.binary_cross_entropy(result.model([1.0, 0.0]), 1.0)
loss.label = "loss"
loss.backward()
ag.draw_dot(loss)
"""),
]


GRADIENT_CHECKING = [
    md("""
# Gradient checking

`gradcheck(f, point)` compares `backward()` with central finite differences
`(f(x + ε) − f(x − ε)) / 2ε` and raises `GradcheckError` (naming the input, the numerical and
the analytical value) when they disagree.
"""),
    code("""
import autograd_xor as ag
from autograd_xor import GradcheckError, Value, gradcheck, numerical_grad

assert gradcheck(lambda a, b: (a * b).tanh() + a.exp() / b, [0.3, -1.2])
for x in (-0.5, 0.5):            # both sides of relu's kink
    assert gradcheck(lambda a: (3 * a).relu() * a, [x])
"""),
    md("""
## A wrong derivative is caught

A node whose value is `a²` but whose derivative claims 1 (the factor `2a` forgotten): its
value is a constant plus `(a − a₀)·1`, so `backward()` sees slope 1 while the value moves like
`a²`.
"""),
    code("""
def square_with_a_slip(a):
    return (a - a.data) * 1.0 + a.data ** 2

try:
    gradcheck(square_with_a_slip, [0.7])
except GradcheckError as e:
    print(e)
else:
    raise AssertionError("gradcheck missed the slip")
"""),
    md("""
## A tutorial's derivative slip

The tutorial “Gradient Descent with Backpropagation” trains the one-weight sigmoid network
`h(x) = S(W·x)` on the cost `C(W) = (1/m) Σ (h − y)²`, but its update uses
`Σ (h − y)·h·(1 − h)`. The chain rule gives `dh/dW = h(1 − h)·x`: the tutorial's formula
drops the factor `x` (and the `2/m` of its own cost). The engine, the finite differences
and the tutorial's formula at `W = 0.3`:
"""),
    code("""
from autograd_xor.walkthroughs.sigmoid import X, Y, cost, tutorial_gradient

w = 0.3
W = Value(w, label="W")
cost(W).backward()
numerical = numerical_grad(cost, [w])[0]
print(f"finite differences {numerical:.8f}")
print(f"engine             {W.grad:.8f}")
print(f"tutorial's formula {tutorial_gradient(w):.8f}")
assert abs(W.grad - numerical) < 1e-8 and abs(tutorial_gradient(w) - numerical) > 0.1
"""),
    md("""
Made into a node whose backward uses the tutorial's formula, gradcheck rejects it; with the
factor `x` and the `2/m` put back, the formula is the engine's gradient.
"""),
    code("""
import math

def cost_with_tutorial_slope(W):
    return (W - W.data) * tutorial_gradient(W.data) + cost(W.data)

try:
    gradcheck(cost_with_tutorial_slope, [w])
except GradcheckError as e:
    print(e)
else:
    raise AssertionError("gradcheck missed the tutorial's slip")

def corrected_gradient(w):
    hs = [1 / (1 + math.exp(-w * x)) for x in X]
    return 2 / len(X) * sum((h - y) * h * (1 - h) * x for h, y, x in zip(hs, Y, X))

assert abs(corrected_gradient(w) - W.grad) < 1e-12
"""),
    code("""
ag.draw_dot(cost(Value(w, label="W")), rankdir="LR")
"""),
    md("""
## Property tests with Hypothesis

`autograd_xor.testing` draws random expression trees (as data, with every op applied on a
domain where it is defined) and points; every one of them must pass `gradcheck` wherever it
is not too close to a kink of `relu`.
"""),
    code("""
from hypothesis import given, settings
from autograd_xor.testing import Expression, expressions, kink_margin, points

checked = []

@settings(max_examples=100, deadline=None, database=None)
@given(expressions(2), points(2))
def test_gradients(f, xs):
    if kink_margin(f, xs) > 1e-3:
        assert gradcheck(f, xs, atol=1e-4, rtol=1e-3)
        checked.append(f)

test_gradients()
print(f"{len(checked)} random expressions agree with finite differences, e.g. {checked[-1]}")
"""),
    code("""
f = Expression(("tanh", ("*", ("x", 0), ("log", ("x", 1)))), 2)
root = f(0.3, -1.2)
root.backward()
print(f)
ag.draw_dot(root)
"""),
]


XOR_TO_SPIRALS = [
    md("""
# From XOR to spirals

XOR is the smallest problem one neuron cannot solve. The same engine, a few lines more and
a little patience, learns much harder pictures: two interleaving moons, a circle inside
another, and spiral arms, one per class. `autograd_xor.classify` is what
`autograd-xor train --data NAME` runs; each step below is also one command line.
"""),
    md("""
## XOR, the classic way

`autograd-xor train`: a 2-4-1 network (tanh, sigmoid), full-batch SGD on binary
cross-entropy, the four points of the truth table.
"""),
    code("""
from IPython.display import SVG
from autograd_xor.classify import train_classifier
from autograd_xor.plotting import training_image
from autograd_xor.xor import XOR_INPUTS, train_xor

classic = train_xor(seed=0)
for x, p in zip(XOR_INPUTS, classic.predictions):
    print(x, round(p, 3))
assert classic.learned
"""),
    md("""
## XOR as a data set

`autograd-xor train --data xor`: the trainer every data set uses. Its defaults are two
hidden layers of 16 tanh units and Adam (lr 0.01) for 300 epochs. With four points there is
nothing to hold out, so only the training accuracy counts.
"""),
    code("""
xor = train_classifier("xor", seed=0)
print(f"training accuracy {xor.train_accuracy:.0%}, final loss {xor.losses[-1]:.5f}")
assert xor.train_accuracy == 1.0
"""),
    md("""
## Two moons: held-out points

`autograd-xor train --data moons --plot moons.png`: 200 points, 160 to train on and 40
held out, which the network never sees while training. Its accuracy on them says whether it
learned the shape or only the points. The picture colours the plane by the class the network
predicts (orange and blue, in a palette that reads with any colour vision, and each class
has its own marker too); the hollow markers are the held-out points.
"""),
    code("""
moons = train_classifier("moons", seed=0)
print(f"training {moons.train_accuracy:.1%}, held out {moons.test_accuracy:.1%}")
assert moons.train_accuracy >= 0.95
SVG(training_image(moons, "svg"))
"""),
    md("""
## Circles, with micrograd's max-margin loss

`autograd-xor train --data circles --loss hinge`: the output is a score, not a probability,
and the hinge loss max(0, 1 − y·score) with labels −1 and +1 only cares that each point is on
the right side with a margin of 1, as in micrograd's demo.
"""),
    code("""
circles = train_classifier("circles", loss="hinge", seed=0)
print(f"{circles.loss}: training {circles.train_accuracy:.1%}, "
      f"held out {circles.test_accuracy:.1%}")
assert circles.train_accuracy >= 0.95
"""),
    md("""
## Three spiral arms: many classes

`autograd-xor train --data spiral`: three classes, so the network has one output per class
(a logit), and the loss is the cross-entropy of their softmax: `-log softmax(z)[target]`.
A linear model gets about a third of these points right; two hidden layers of 16 get nearly
all of them.
"""),
    code("""
spiral = train_classifier("spiral", seed=0)
print(f"{spiral.classes} classes: training {spiral.train_accuracy:.1%}, "
      f"held out {spiral.test_accuracy:.1%}")
assert spiral.train_accuracy >= 0.9
SVG(training_image(spiral, "svg"))
"""),
    md("""
## Keeping a model

`model.save(path)` writes a model file that records what it was trained for;
`autograd_xor.load(path)` reads it back (`--save` and `--load` on the command line).
"""),
    code("""
import os, tempfile
import autograd_xor
from autograd_xor.classify import accuracy

path = os.path.join(tempfile.mkdtemp(), "spiral.json")
spiral.model.save(path)
back = autograd_xor.load(path)
print(back.task, back.loss, [len(layer.neurons) for layer in back.layers])
assert accuracy(back, spiral.X_test, spiral.y_test, back.loss) == spiral.test_accuracy
"""),
]


def walkthrough_cells(ex):
    """The cells of a walkthrough's notebook: its subject, title, source and intro, the
    table it prints, its figures, then the walkthrough's own cells."""
    figures = list(ex.figures())                 # "graph", and "network" if it has one
    draws = [FIGURES[figure][0] for figure in figures]
    cells = [
        md(f"# {ex.subject[:1].upper()}{ex.subject[1:]}\n\n*{ex.title[:1].upper()}"
           f"{ex.title[1:]}*, from {ex.source}.\n\n{ex.intro}\n\nThe same walkthrough "
           f"from a shell: `autograd-xor walkthrough {ex.name}` (add `--json` for every "
           f"figure)."),
        code(f"""
from autograd_xor import {", ".join(draws)}
from autograd_xor.walkthroughs import get

ex = get({ex.name!r})
result = ex.run()
print(ex.render(result))
"""),
    ]
    for figure in figures:
        draw, caption = FIGURES[figure]
        cells += [md(caption), code(f"{draw}(ex.{figure}())")]
    return cells + [md(text) if kind == "markdown" else code(text) for kind, text in ex.cells]


NOTEBOOKS = {
    "01_engine_tour.ipynb": ENGINE_TOUR,
    "02_gf_walkthrough_stepped.ipynb": GF_WALKTHROUGH,
    "03_xor_training.ipynb": XOR_TRAINING,
    "04_gradient_checking.ipynb": GRADIENT_CHECKING,
    "05_xor_to_spirals.ipynb": XOR_TO_SPIRALS,
}
NOTEBOOKS.update({f"walkthrough_{name.replace('-', '_')}.ipynb": walkthrough_cells(ex)
                  for name, ex in WALKTHROUGHS.items()})


def build(name, cells):
    """The notebook `name` with `cells`; each cell's id is a hash of the name and its place."""
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):
        cell["id"] = hashlib.sha256(f"{name}/{i}".encode()).hexdigest()[:8]
    return nb


def write(folder=HERE):
    """Write every notebook into `folder`; returns their paths."""
    paths = []
    for name, cells in NOTEBOOKS.items():
        nb = build(name, cells)
        nbformat.validate(nb)
        paths.append(os.path.join(folder, name))
        nbformat.write(nb, paths[-1])
    return paths


def main():
    for path in write():
        print(f"wrote notebooks/{os.path.basename(path)}")


if __name__ == "__main__":
    main()
