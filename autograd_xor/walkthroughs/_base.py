"""What every worked example shares: the `Example` record and the book-precision tables.

A *figure* is one number the seed prints, kept three ways: the full-precision value the
engine computed, that value rounded to the book's printed precision, and the book's own text.

    >>> figure(-0.06641, "-0.066")
    {'value': -0.06641, 'rounded': '-0.066', 'book': '-0.066', 'agrees': True}
    >>> print(table(["name", "value"], [["y_f", "0.42"], ["e", "0.17"]]))
      name  value
      y_f   0.42
      e     0.17
"""

from dataclasses import dataclass, field
from typing import Callable

__all__ = ["Example", "figure", "rounded_like", "table", "figure_rows", "fmt", "FIGURE_HEADERS"]


@dataclass(frozen=True)
class Example:
    """One seed's worked example.

    `run(**options)` returns every figure as a JSON-serialisable dict (full precision);
    `render(result)` turns it into the book-like text; `graph()` is the example's loss (or
    output) `Value` after one `backward()`, labelled with the book's names; `network()` is
    the `autograd_xor.nn` module holding the example's weights with `.grad` filled by that
    backward pass, or `None` when the example has no network. `options` names the keyword
    arguments `run` takes, with their defaults.

        >>> from autograd_xor.walkthroughs import get
        >>> ex = get("perceptron")
        >>> ex.options, ex.run()["figures"]["w1"]["book"]
        ({'steps': 20}, '0.59')
    """
    name: str
    title: str
    seed: str
    run: Callable[..., dict]
    render: Callable[[dict], str]
    graph: Callable[[], object]
    network: Callable[[], object]
    options: dict = field(default_factory=dict)

    def __repr__(self):
        return f"<Example {self.name!r}: {self.title} (seed {self.seed})>"


def _decimals(text):
    text = text.strip()
    return len(text.split(".", 1)[1]) if "." in text else 0


def rounded_like(value, book):
    """`value` written with as many decimals as the book's text `book` (and its '+' sign).

        >>> rounded_like(0.006641, "+0.0066"), rounded_like(-0.0059769, "-0.0060")
        ('+0.0066', '-0.0060')
    """
    d = _decimals(book)
    text = f"{value:+.{d}f}" if book.strip().startswith("+") else f"{value:.{d}f}"
    if text in ("-0", "-0." + "0" * d):          # no "-0.00" for a value that rounds to zero
        text = text[1:]
    return text


def figure(value, book):
    """A printed figure: the full value, it rounded as the book rounds, and the book's text."""
    value = float(value)
    r = rounded_like(value, book)
    return {"value": value, "rounded": r, "book": book, "agrees": r == book.strip()}


def fmt(x):
    """A float in full precision (repr), an int as an int."""
    return repr(x) if isinstance(x, float) else str(x)


def table(headers, rows, indent="  "):
    """Left-aligned text columns, two spaces apart."""
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells if i < len(r)) for i in range(len(headers))]
    lines = []
    for r in cells:
        line = "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
        lines.append(indent + line)
    return "\n".join(lines)


def figure_rows(figures, names, notes=None):
    """Rows `name | full precision | rounded | book` for a `table`, with an optional note."""
    notes = notes or {}
    rows = []
    for name in names:
        f = figures[name]
        mark = "" if f["agrees"] else "  (*)"
        rows.append([name, fmt(f["value"]), f["rounded"], f["book"] + mark,
                     notes.get(name, "")])
    return rows


FIGURE_HEADERS = ["name", "full precision", "rounded", "book", ""]
