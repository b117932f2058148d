"""What every walkthrough shares: the `Walkthrough` record, its options and figures, and
the tables that set the engine's numbers beside the printed ones.

A *figure* is one number the source text prints, kept three ways: the full-precision value
the engine computed, that value rounded to the precision it is printed with, and the printed
text itself.

    >>> figure(-0.06641, "-0.066")
    {'value': -0.06641, 'rounded': '-0.066', 'printed': '-0.066', 'agrees': True}
    >>> print(table(["name", "value"], [["y_f", "0.42"], ["e", "0.17"]]))
      name  value
      y_f   0.42
      e     0.17
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from .._checks import check_whole_number
from ..engine import Value

if TYPE_CHECKING:
    from ..nn import Module

# A Value or a plain number: what the examples' functions of one variable take, giving back
# the same kind (a graph's Value for a Value, a float for a float).
Scalar = TypeVar("Scalar", Value, float)

__all__ = ["FIGURES", "FIGURE_HEADERS", "OPTIONS", "Walkthrough", "check_option", "figure",
           "figure_rows", "fmt", "rounded_like", "table"]

# The options a walkthrough may take, each a whole number: its least value (None: any) and
# what it means. A walkthrough's `options` names those it takes, with their defaults.
OPTIONS: dict[str, tuple[int | None, str]] = {
    "steps": (1, "iterations to show"),
    "epochs": (1, "training epochs"),
    "seed": (None, "random seed for the initial weights"),
}

# The pictures of a walkthrough: the function that draws each, and what it shows.
FIGURES: dict[str, tuple[str, str]] = {
    "graph": ("draw_dot", "The computation graph after one backward(), labelled with the "
                          "source's names: each node shows its value and gradient."),
    "network": ("draw_network", "The network holding the weights, each edge coloured by the "
                                "sign of -grad (blue, solid: a descent step raises the weight; "
                                "orange, dashed: lowers it)."),
}


def check_option(walkthrough: str, option: str, value: int) -> int:
    """`value` if it is a whole number that `option` allows; a `ValueError` naming the
    walkthrough and the option otherwise.

        >>> check_option("gf", "steps", 0)
        Traceback (most recent call last):
        ...
        ValueError: gf: --steps must be a whole number of at least 1, got 0
    """
    return check_whole_number(value, f"{walkthrough}: --{option}", OPTIONS[option][0])


@dataclass(frozen=True)
class Walkthrough:
    """One worked example, reproduced by the engine: what the CLI, the notebooks, the docs
    and the tests all read.

    `name` is what `autograd-xor walkthrough NAME` takes; `subject` names the example by
    what it is ("the five-weight G/F network"), as pages and menus call it; `title` says
    what it shows, its line in `--list`. `source` is the text it comes from, as a reader
    would cite it, and `source_file` the copy of that text the numbers were checked
    against. `intro` is the paragraph that opens its notebook and its page.
    `run(**options)` returns every figure as a JSON-serialisable dict (full precision);
    `render(result)` turns it into text laid out like the source's tables.
    `after_backward()` builds the example and runs one `backward()`: it returns the
    network holding its weights (an `autograd_xor.nn` module, or `None`) and the loss (or
    output) `Value`, labelled with the source's names; `graph()`, `network()` and
    `figures()` read it. `options` names the keyword arguments `run` takes (see
    `OPTIONS`), with their defaults; `cells` are the notebook's own cells after the common
    ones, `("markdown" or "code", source)` pairs, with the walkthrough as `ex` and
    `ex.run()` as `result`.

        >>> from autograd_xor.walkthroughs import get
        >>> ex = get("perceptron")
        >>> ex.subject, ex.options, ex.run()["figures"]["w1"]["printed"]
        ('the one-weight perceptron', {'steps': 20}, '0.59')
        >>> ex.graph().label, list(ex.figures())
        ('C', ['graph', 'network'])
    """
    name: str
    subject: str
    title: str
    source: str
    source_file: str
    intro: str
    run: Callable[..., dict[str, Any]]
    render: Callable[[dict[str, Any]], str]
    after_backward: Callable[[], tuple[Module | None, Value]]
    options: dict[str, int] = field(default_factory=dict)
    cells: tuple[tuple[str, str], ...] = ()

    def graph(self) -> Value:
        """The loss (or output) `Value` after one `backward()`, a new graph at each call."""
        return self.after_backward()[1]

    def network(self) -> Module | None:
        """The network holding the example's weights, `.grad` filled by one `backward()`;
        `None` when the example has no network."""
        return self.after_backward()[0]

    def figures(self) -> dict[str, Value | Module]:
        """{kind: what to draw} for each kind of `FIGURES` the example has: the graph, and
        the network unless there is none."""
        network, root = self.after_backward()
        return {"graph": root} if network is None else {"graph": root, "network": network}

    def heading(self) -> str:
        """The first lines of the printed walkthrough: its subject and title, and where it
        comes from.

            >>> from autograd_xor.walkthroughs import get
            >>> print(get("perceptron").heading())
            The one-weight perceptron: a = i·w, C = (a − y)²: w goes 0.8, 0.59, …, 0.3333
              from the article “Understanding Neural Network Backpropagation Learning Algorithm”
        """
        return f"{self.subject[:1].upper()}{self.subject[1:]}: {self.title}\n  from {self.source}"

    def __repr__(self) -> str:
        return f"<Walkthrough {self.name!r}: {self.subject}, from {self.source}>"


def _decimals(text):
    text = text.strip()
    return len(text.split(".", 1)[1]) if "." in text else 0


def rounded_like(value: float, printed: str) -> str:
    """`value` written with as many decimals as the printed text (and its '+' sign).

        >>> rounded_like(0.006641, "+0.0066"), rounded_like(-0.0059769, "-0.0060")
        ('+0.0066', '-0.0060')
    """
    d = _decimals(printed)
    text = f"{value:+.{d}f}" if printed.strip().startswith("+") else f"{value:.{d}f}"
    if text in ("-0", "-0." + "0" * d):          # no "-0.00" for a value that rounds to zero
        text = text[1:]
    return text


def figure(value: float, printed: str) -> dict[str, Any]:
    """A printed figure: the full value, it rounded as the source rounds, and the printed
    text."""
    value = float(value)
    r = rounded_like(value, printed)
    return {"value": value, "rounded": r, "printed": printed, "agrees": r == printed.strip()}


def fmt(x: float) -> str:
    """A float in full precision (repr), an int as an int."""
    return repr(x) if isinstance(x, float) else str(x)


def table(headers: Sequence[object] | None, rows: Iterable[Sequence[object]],
          indent: str = "  ") -> str:
    """Left-aligned text columns, two spaces apart, under a row of `headers` (none for
    `None`).

        >>> print(table(None, [["gf", "the G/F network"], ["and", "the AND layer"]], indent=""))
        gf   the G/F network
        and  the AND layer
    """
    cells = ([] if headers is None else [[str(c) for c in headers]]) + \
        [[str(c) for c in row] for row in rows]
    columns = max(len(r) for r in cells)
    widths = [max(len(r[i]) for r in cells if i < len(r)) for i in range(columns)]
    lines = []
    for r in cells:
        line = "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
        lines.append(indent + line)
    return "\n".join(lines)


def figure_rows(figures: Mapping[str, Mapping[str, Any]], names: Iterable[str],
                notes: Mapping[str, str] | None = None) -> list[list[str]]:
    """Rows `name | full precision | rounded | printed` for a `table`, with an optional
    note."""
    notes = notes or {}
    rows = []
    for name in names:
        f = figures[name]
        mark = "" if f["agrees"] else "  (*)"
        rows.append([name, fmt(f["value"]), f["rounded"], f["printed"] + mark,
                     notes.get(name, "")])
    return rows


FIGURE_HEADERS = ["name", "full precision", "rounded", "printed", ""]
