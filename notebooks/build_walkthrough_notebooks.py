"""Write one notebook per seed walkthrough, `walkthrough_<name>.ipynb`, without outputs.

    .venv/bin/python notebooks/build_walkthrough_notebooks.py

Each notebook runs its example through `autograd_xor.walkthroughs` (the same code the
`autograd-xor walkthrough` command and the tests use), prints the book-like table and draws
the example's graph and network. Edit the cells here, not in the .ipynb files, and run the
script again; the test suite executes every notebook in this folder.
"""

import os

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograd_xor.walkthroughs import EXAMPLES

HERE = os.path.dirname(os.path.abspath(__file__))


def md(text):
    return new_markdown_cell(text.strip("\n"))


def code(text):
    return new_code_cell(text.strip("\n"))


INTRO = {
    "gf": """
The book's five-weight network: G = tanh(w_xg0 + w_xg1·x1 + w_xg2·x2), F = S(w_gf0 + w_gf1·G)
and e = (y − f)²/2, one training step worked by hand. The book's "error term" of a neuron is
the engine's gradient at that neuron's weighted sum (z_f, z_g), and each weight's delta is
−lr times its gradient.
""",
    "perceptron": """
One weight and no bias: a = i·w, C = (a − y)², with i = 1.5, y = 0.5, w = 0.8 and r = 0.1.
The output is 1.2, the first update takes w to 0.59, and the updates converge to 1/3.
""",
    "descent": """
Gradient descent on f(x) = x⁴ − 3x³ + 2 from x = 4 with step 0.01, f′ from `backward()`. The
seed prints the local minimum 2.2500325268933734; the table says how close the engine gets
and why the last digits of two derivative formulas can differ.
""",
    "sigmoid": """
The one-weight sigmoid network h(x) = S(W·x). The seed's printed result comes from a hand
derivative that drops the factor x and the 2/m of its own cost. Its figures are reproduced
with that formula on purpose, then the engine trains with the true gradient, and `gradcheck`
says which of the two is the derivative.
""",
    "and": """
One output-layer step of the AND network: Cost = Expected − Actual, f′, Gradient = Cost·f′
and ΔW₀₀. The seed's figure of the network is missing, so the walkthrough states the inputs
and weights it assumed.
""",
    "xor-sigmoid": """
A 2-3-1 sigmoid network learns XOR with the seed's output delta, delta3 = a3 − y (the
gradient of the cross-entropy at the output's weighted sum), alpha = 0.1, 10,000 full-batch
epochs, seeded.
""",
    "xor-relu": """
XOR with a ReLU hidden layer and squared error. The seed's code listing is missing, so the
walkthrough states its choices, and shows the seed's rule
`weight -= alpha * activation * (output - target)` agreeing with the engine's gradient.
""",
}

EXTRA = {
    "gf": [
        md("The book's spreadsheet continues the iterations: the error falls step by step."),
        code("""
more = ex.run(steps=10)
[(it["step"], round(it["e"], 6)) for it in more["iterations"]]
"""),
    ],
    "perceptron": [
        md("Each update multiplies the distance to 1/3 by 1 − 2·r·i² = 0.55:"),
        code("""
seq = [s["w"] for s in result["sequence"]]
[round((b - 1/3) / (a - 1/3), 6) for a, b in zip(seq, seq[1:])][:5]
"""),
    ],
    "descent": [
        md("The engine's derivative and the seed's `4 * x**3 - 9 * x**2` along the path:"),
        code("""
from autograd_xor.walkthroughs import descent
[(round(x, 6), descent.engine_derivative(x) - descent.seed_derivative(x))
 for x in result["path"][:6]]
"""),
    ],
    "sigmoid": [
        md("`gradcheck` on the cost at W = 5: the engine's gradient passes."),
        code("""
from autograd_xor import gradcheck
from autograd_xor.walkthroughs import sigmoid
gradcheck(sigmoid.cost, [5.0])
"""),
    ],
    "and": [
        md("The assumed weights, as the walkthrough states them:"),
        code('print(result["assumptions"])'),
    ],
    "xor-sigmoid": [
        md("The trained outputs beside the seed's:"),
        code('list(zip([round(o, 3) for o in result["outputs"]], result["seed\'s outputs"]))'),
    ],
    "xor-relu": [
        md("The choices the walkthrough made where the seed's listing is missing:"),
        code('result["choices"]'),
    ],
}


def notebook(ex):
    cells = [
        md(f"# Walkthrough `{ex.name}`: {ex.title}\n\nSeed document `{ex.seed}`.\n"
           + INTRO[ex.name]
           + f"\nThe same walkthrough from a shell: `autograd-xor walkthrough {ex.name}` "
             "(add `--json` for every figure)."),
        code(f"""
from autograd_xor import draw_dot, draw_network
from autograd_xor.walkthroughs import get

ex = get({ex.name!r})
result = ex.run()
print(ex.render(result))
"""),
        md("The example's graph after one `backward()`, labelled with the book's names "
           "(each node shows its value and gradient):"),
        code("draw_dot(ex.graph())"),
    ]
    if ex.network() is not None:
        cells += [md("The network holding the example's weights, coloured by gradient:"),
                  code("draw_network(ex.network())")]
    cells += EXTRA[ex.name]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def main():
    for name, ex in EXAMPLES.items():
        path = os.path.join(HERE, f"walkthrough_{name.replace('-', '_')}.ipynb")
        nbformat.write(notebook(ex), path)
        print("wrote", os.path.relpath(path))


if __name__ == "__main__":
    main()
