"""Number types for the command line: argparse calls them on the text of an option and
turns their ArgumentTypeError into a one-line usage error."""

import argparse
import math


def whole_number(minimum):
    """A type for a whole number of at least `minimum`."""
    def parse(text):
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if n < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {n}")
        return n
    return parse


def positive_number(text):
    """A type for a positive finite float."""
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(x) or x <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text!r}")
    return x
