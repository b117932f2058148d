"""The seeds' worked examples, each built once here and used by the CLI, tests and notebooks.

    >>> from autograd_xor.examples import EXAMPLES, get
    >>> list(EXAMPLES)[:2]
    ['gf', 'perceptron']
    >>> get("gf").seed
    '004_3e1abb465e600071.txt'

`autograd-xor walkthrough NAME` prints `render(run())` for one of them.
"""

from ._base import Example

__all__ = ["Example", "EXAMPLES", "get", "names"]

_MODULES = ("gf", "perceptron", "descent", "sigmoid", "and_layer", "xor_sigmoid", "xor_relu")


def _load():
    import importlib
    out = {}
    for mod in _MODULES:
        try:
            ex = importlib.import_module(f"{__name__}.{mod}").EXAMPLE
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{mod}":
                raise
            continue                      # not written yet
        out[ex.name] = ex
    return out


EXAMPLES = _load()


def names():
    """The example names, in the order `walkthrough --list` shows them."""
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
