"""Checking the numbers a user passes to the library's functions (an optimizer's lr, a data
set's noise): each error names the function, the option, the value (shortened) and a fix."""

import math
from numbers import Real

from ._checks import shorten


def finite_number(who, name, x, fix):
    """x as a float, or a TypeError (not a number) or ValueError (inf, nan) that says so."""
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"{who}: {name} must be a number, got {type(x).__name__} "
                        f"{shorten(x)}; {fix}")
    if not math.isfinite(x):
        raise ValueError(f"{who}: {name} must be finite, got {x!r}; {fix}")
    return float(x)


def non_negative(who, name, x, fix):
    """A finite number of 0 or more, as a float."""
    x = finite_number(who, name, x, fix)
    if x < 0:
        raise ValueError(f"{who}: {name} must be 0 or more, got {x!r}; {fix}")
    return x
