"""The seeds' worked examples, each built once here and used by the CLI, tests and notebooks.

    >>> from autograd_xor.walkthroughs import EXAMPLES, get
    >>> list(EXAMPLES)[:2]
    ['gf', 'perceptron']
    >>> get("gf").seed
    '004_3e1abb465e600071.txt'

`autograd-xor walkthrough NAME` prints `render(run())` for one of them.
"""

from . import and_layer, descent, gf, perceptron, sigmoid, xor_relu, xor_sigmoid
from ._base import Example

__all__ = ["Example", "EXAMPLES", "get", "names"]

EXAMPLES = {ex.name: ex for ex in (gf.EXAMPLE, perceptron.EXAMPLE, descent.EXAMPLE,
                                   sigmoid.EXAMPLE, and_layer.EXAMPLE, xor_sigmoid.EXAMPLE,
                                   xor_relu.EXAMPLE)}


def names():
    """The example names, in the order `walkthrough --list` shows them.

        >>> names()[0], "perceptron" in names()
        ('gf', True)
    """
    return list(EXAMPLES)


def get(name):
    """The `Example` called `name`; a `KeyError` listing the valid names otherwise.

        >>> get("nope")
        Traceback (most recent call last):
        ...
        KeyError: "no worked example called 'nope'; choose one of: gf, ..."
    """
    try:
        return EXAMPLES[name]
    except (KeyError, TypeError):
        raise KeyError(f"no worked example called {name!r}; choose one of: "
                       f"{', '.join(EXAMPLES)}") from None
