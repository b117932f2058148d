"""What the commands share: the one-line user error and the parser that prints one, the
number types of their options, turning the library's errors into user errors, and output.

A `CLIError` is printed by `main()` as one line, `autograd-xor: error: ...`, with exit
status 2; so is a usage error from argparse, by `Parser`.
"""

import argparse
import contextlib
import json
import math

from .._checks import check_whole_number
from ..walkthroughs import get


class CLIError(Exception):
    """A user error: printed as one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and exit status 2), not the whole usage."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


# --- number types: argparse calls them on an option's text and turns their
# ArgumentTypeError into a one-line usage error -------------------------------------------

def whole_number(minimum=None):
    """A type for a whole number of at least `minimum` (any whole number for None)."""
    def parse(text):
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        try:
            return check_whole_number(n, minimum=minimum)
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e)) from None
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


# --- the library's errors as user errors --------------------------------------------------

@contextlib.contextmanager
def user_errors(*errors, prefix=""):
    """Inside the block, an exception of one of the types `errors` becomes a `CLIError`
    with the same message (a KeyError's without its quotes), after `prefix`."""
    try:
        yield
    except errors as e:
        message = e.args[0] if isinstance(e, KeyError) and e.args else str(e)
        raise CLIError(prefix + message) from None


def find_walkthrough(name, command):
    """The walkthrough called `name`; a CLIError listing the names otherwise."""
    with user_errors(KeyError, prefix=f"{command}: "):
        return get(name)


def one_of(words):
    """'a, b or c'."""
    words = list(words)
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else "".join(words)


def print_json(data):
    """`data` as indented JSON on standard output, non-ASCII text as it is."""
    print(json.dumps(data, indent=2, ensure_ascii=False))
