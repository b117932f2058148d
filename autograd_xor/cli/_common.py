"""What the commands share: the one-line errors and their exit statuses, the parser that
prints one, the number types of their options (with their limits), turning the library's
errors into user errors, and output that any terminal can show.

A `CLIError` is printed by `main()` as one line, `autograd-xor: error: ...`, with exit
status 2; a `RunFailed` with status 1. So is a usage error from argparse, by `Parser`.
Every message is bounded: a value shown in it is cut to a few dozen characters with an
ellipsis and its length (`shorten`).
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import json
import math
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, NoReturn

from .._checks import shorten
from ..walkthroughs import Walkthrough, get, names

if TYPE_CHECKING:
    from ..nn import Module

# --- errors and exit statuses --------------------------------------------------------------

OK, FAILED, USAGE, INTERRUPTED = 0, 1, 2, 130       # the exit statuses, as documented


class CLIError(Exception):
    """A user error (bad usage, a bad argument, an unreadable input file, a refused output
    target): printed as one line, exit status 2."""
    status: int = USAGE


class RunFailed(CLIError):
    """A run that failed: the network did not learn, training diverged, or writing a file
    failed. Printed as one line, exit status 1."""
    status = FAILED


MESSAGE_LIMIT = 1000          # no error line is longer (a safety net: values are shortened)


def bounded(message: object) -> str:
    """`message` on one line of at most MESSAGE_LIMIT characters."""
    message = " ".join(str(message).split("\n"))
    if len(message) <= MESSAGE_LIMIT:
        return message
    return f"{message[:MESSAGE_LIMIT - 40]}… ({len(message)} characters)"


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and exit status 2), not the whole usage, and
    an over-long argument is not repeated whole."""

    _argv: tuple[str, ...] = ()

    # (argparse's own signature is overloaded for a namespace of another class, which the
    # command never passes)
    def parse_known_args(self, args: Iterable[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None
                         ) -> tuple[argparse.Namespace, list[str]]:
        args = None if args is None else list(args)      # an iterator is read once: keep it
        Parser._argv = tuple(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        for arg in sorted(self._argv, key=len, reverse=True):
            if isinstance(arg, str) and len(arg) > 60:
                message = message.replace(repr(arg), shorten(arg)).replace(arg, shorten(arg))
        self.exit(USAGE, f"{self.prog}: error: {bounded(message)} (see '{self.prog} --help')\n")


# --- number types: argparse calls them on an option's text and turns their
# ArgumentTypeError into a one-line usage error -------------------------------------------

def _limits(minimum, maximum):
    if minimum is not None and maximum is not None:
        return f"from {minimum:,} to {maximum:,}"
    if minimum is not None:
        return f"of at least {minimum:,}"
    return f"of at most {maximum:,}"


def _integer(text, what):
    """int(text) for a whole number of at most 30 digits (argparse's type errors)."""
    text = text.strip()
    if len(text) > 30 or not text.lstrip("+-").isdigit():
        raise argparse.ArgumentTypeError(f"expected {what}, got {shorten(text)}")
    return int(text)


def whole_number(minimum: int | None = None, maximum: int | None = None
                 ) -> Callable[[str], int]:
    """A type for a whole number from `minimum` to `maximum` (None: no bound).

        >>> whole_number(1, 10)("3")
        3
        >>> whole_number(1, 10)("30")
        Traceback (most recent call last):
        ...
        argparse.ArgumentTypeError: must be a whole number from 1 to 10, got 30
    """
    def parse(text: str) -> int:
        what = "a whole number" + (" " + _limits(minimum, maximum)
                                   if minimum is not None or maximum is not None else "")
        n = _integer(text, what)
        if (minimum is not None and n < minimum) or (maximum is not None and n > maximum):
            raise argparse.ArgumentTypeError(f"must be {what}, got {n}")
        return n
    return parse


def positive_up_to(maximum: float | None = None) -> Callable[[str], float]:
    """A type for a positive finite float of at most `maximum` (None: no bound).

        >>> positive_up_to(10)("0.5")
        0.5
        >>> positive_up_to(10)("-1")
        Traceback (most recent call last):
        ...
        argparse.ArgumentTypeError: must be a positive number of at most 10, got '-1'
    """
    def parse(text: str) -> float:
        need = "a positive number" + ("" if maximum is None else f" of at most {maximum:g}")
        try:
            x = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {need}, got {shorten(text)}") from None
        if not math.isfinite(x) or x <= 0 or (maximum is not None and x > maximum):
            raise argparse.ArgumentTypeError(f"must be {need}, got {shorten(text)}")
        return x
    return parse


positive_number = positive_up_to(None)     # a type for any positive finite float


def sizes(max_size: int, max_count: int) -> Callable[[str], list[int]]:
    """A type for a comma-separated list of whole numbers (layer sizes), e.g. '16,16'.

        >>> sizes(1024, 8)("16,16")
        [16, 16]
        >>> sizes(1024, 8)("16,0")
        Traceback (most recent call last):
        ...
        argparse.ArgumentTypeError: each size must be a whole number from 1 to 1,024, got 0 in '16,0'
    """
    def parse(text: str) -> list[int]:
        parts = text.split(",")
        if len(parts) > max_count:
            raise argparse.ArgumentTypeError(f"at most {max_count} sizes, got {len(parts)} in "
                                             f"{shorten(text)}")
        out = []
        for part in parts:
            try:
                n = _integer(part, "")
            except argparse.ArgumentTypeError:
                raise argparse.ArgumentTypeError(f"expected whole numbers separated by "
                                                 f"commas, e.g. '16,16', got "
                                                 f"{shorten(text)}") from None
            if not 1 <= n <= max_size:
                raise argparse.ArgumentTypeError(f"each size must be a whole number "
                                                 f"{_limits(1, max_size)}, got {n} in "
                                                 f"{shorten(text)}")
            out.append(n)
        return out
    return parse


# --- the library's errors as user errors --------------------------------------------------

@contextlib.contextmanager
def user_errors(*errors: type[Exception], prefix: str = "") -> Iterator[None]:
    """Inside the block, an exception of one of the types `errors` becomes a `CLIError`
    with the same message (a KeyError's without its quotes), after `prefix`."""
    try:
        yield
    except errors as e:
        message = e.args[0] if isinstance(e, KeyError) and e.args else str(e)
        raise CLIError(message if message.startswith(prefix) else prefix + message) from None


def find_walkthrough(name: str, command: str) -> Walkthrough:
    """The walkthrough called `name`; a CLIError listing the names otherwise."""
    if len(name) > 60:                         # no walkthrough has such a name: say it short
        raise CLIError(f"{command}: no worked example called {shorten(name)}; choose one of: "
                       f"{', '.join(names())}")
    with user_errors(KeyError, prefix=f"{command}: "):
        return get(name)


def load_model_file(path: str, option: str) -> Module:
    """The model saved at `path` (given with `option`), or a CLIError saying why it cannot be
    read: the one place the command line reads a model file."""
    from ..nn import ModelFileError, load_model
    if path == "":
        raise CLIError(f"{option} needs a file name, got ''")
    try:
        return load_model(path)
    except OSError as e:
        raise CLIError(f"{option}: cannot read the model file {shorten(path, 200)}: "
                       f"{e.strerror or e}") from None
    except ModelFileError as e:
        raise CLIError(f"{option}: {e}") from None


def one_of(words: Iterable[str]) -> str:
    """'a, b or c'."""
    words = list(words)
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else "".join(words)


# --- output any terminal can show ---------------------------------------------------------

# What to print for a character the terminal's encoding cannot show (the walkthroughs'
# mathematics, arrows, box drawing). Anything else unshowable becomes '?'.
ASCII = {
    "−": "-", "–": "-", "—": "--", "·": "*", "×": "x", "÷": "/", "…": "...", "′": "'",
    "″": "''", "‘": "'", "’": "'", "“": '"', "”": '"', "½": "1/2", "±": "+/-",
    "∂": "d", "Σ": "Sum", "∑": "Sum", "Δ": "Delta", "δ": "delta", "σ": "sigma",
    "θ": "theta", "α": "alpha", "β": "beta", "η": "eta", "ε": "eps", "λ": "lambda",
    "μ": "mu", "π": "pi", "√": "sqrt", "∞": "inf", "≈": "~=", "≤": "<=", "≥": ">=",
    "≠": "!=", "←": "<-", "→": "->", "↑": "^", "↓": "v", "⇒": "=>", "✓": "yes", "✗": "no",
    "─": "-", "━": "-", "═": "=", "│": "|", "┃": "|", "║": "|", "┼": "+", "┌": "+",
    "┐": "+", "└": "+", "┘": "+", "├": "+", "┤": "+", "┬": "+", "┴": "+", "█": "#",
    "░": ".", "ₖ": "_k", "ⱼ": "_j", "ᵢ": "_i", "ₙ": "_n", "ⁿ": "^n", "⁻": "^-", "⁺": "^+",
    **{sup: f"^{d}" for d, sup in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")},
    **{sub: f"_{d}" for d, sub in enumerate("₀₁₂₃₄₅₆₇₈₉")},
}
_HANDLER = "autograd_xor.ascii"


def _ascii_fallback(error):
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start:error.end]
    return "".join(ASCII.get(ch, "?") for ch in text), error.end


codecs.register_error(_HANDLER, _ascii_fallback)


def to_ascii(text: str) -> str:
    """`text` as a terminal without Unicode shows it: each character outside ASCII replaced by
    its ASCII rendering (`ASCII`), '?' for any other.

        >>> to_ascii("∂e/∂w₀ = −0.5·x² → Σ")
        'de/dw_0 = -0.5*x^2 -> Sum'
    """
    return text.encode("ascii", _HANDLER).decode("ascii")


def setup_streams() -> None:
    """Make standard output and error show what their encoding cannot with `ASCII`'s
    renderings instead of raising UnicodeEncodeError (a cp1252 console, LC_ALL=C)."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors=_HANDLER)
            except (ValueError, OSError):           # a closed or detached stream
                pass


def speaks_utf8(stream: object) -> bool:
    """Whether `stream` encodes UTF-8 (otherwise JSON goes out with \\u escapes)."""
    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "ascii").name == "utf-8"
    except LookupError:
        return False


def print_json(data: object) -> None:
    """`data` as indented JSON on standard output: non-ASCII text as it is on a UTF-8
    stream, as \\u escapes on any other (still the same JSON)."""
    print(json.dumps(data, indent=2, ensure_ascii=not speaks_utf8(sys.stdout)))
