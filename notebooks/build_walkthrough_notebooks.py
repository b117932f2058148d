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

from autograd_xor.walkthroughs import WALKTHROUGHS

HERE = os.path.dirname(os.path.abspath(__file__))


def md(text):
    return new_markdown_cell(text.strip("\n"))


def code(text):
    return new_code_cell(text.strip("\n"))


def notebook(ex):
    cells = [
        md(f"# Walkthrough `{ex.name}`: {ex.title}\n\nSeed document `{ex.seed}`.\n"
           + "\n" + ex.intro + "\n"
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
    cells += [md(text) if kind == "markdown" else code(text) for kind, text in ex.cells]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def main():
    for name, ex in WALKTHROUGHS.items():
        path = os.path.join(HERE, f"walkthrough_{name.replace('-', '_')}.ipynb")
        nbformat.write(notebook(ex), path)
        print("wrote", os.path.relpath(path))


if __name__ == "__main__":
    main()
