"""The walkthroughs: worked examples from textbooks, tutorials and articles on
backpropagation, reproduced by the engine number by number.

Each is one `Walkthrough` (its title, intro, figures, options and notebook cells beside the
code that computes it), built once here and read by the CLI, the notebooks, the docs and
the tests.

    >>> from autograd_xor.walkthroughs import WALKTHROUGHS, get
    >>> list(WALKTHROUGHS)[:2]
    ['gf', 'perceptron']
    >>> get("gf").subject
    'the five-weight G/F network'

`autograd-xor walkthrough NAME` prints `render(run())` for one of them.
"""

from __future__ import annotations

from . import and_layer, descent, gf, perceptron, sigmoid, xor_relu, xor_sigmoid
from ._base import FIGURES, OPTIONS, Walkthrough, table

__all__ = ["FIGURES", "OPTIONS", "WALKTHROUGHS", "Walkthrough", "get", "names", "table"]

WALKTHROUGHS = {ex.name: ex for ex in (
    gf.WALKTHROUGH, perceptron.WALKTHROUGH, descent.WALKTHROUGH, sigmoid.WALKTHROUGH,
    and_layer.WALKTHROUGH, xor_sigmoid.WALKTHROUGH, xor_relu.WALKTHROUGH)}


def names() -> list[str]:
    """The walkthroughs' names, in the order `walkthrough --list` shows them.

        >>> names()[0], "perceptron" in names()
        ('gf', True)
    """
    return list(WALKTHROUGHS)


def get(name: str) -> Walkthrough:
    """The `Walkthrough` called `name`; a `KeyError` listing the valid names otherwise.

        >>> get("nope")
        Traceback (most recent call last):
        ...
        KeyError: "no worked example called 'nope'; choose one of: gf, ..."
    """
    try:
        return WALKTHROUGHS[name]
    except (KeyError, TypeError):
        raise KeyError(f"no worked example called {name!r}; choose one of: "
                       f"{', '.join(WALKTHROUGHS)}") from None
