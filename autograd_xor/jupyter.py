"""The Jupyter stepper: a widget to walk through a pass node by node (the `jupyter` extra).

`autograd_xor.step(loss)` returns a `Stepper` when it runs in a Jupyter kernel. It is an
ipywidgets `VBox`: previous/next buttons and a slider over the steps, a line of text that
explains the current step, and the graph, drawn as the explorer draws it (`explore()`):
only what the steps so far have computed shows (no value before its forward step, no
gradient before its backward step), the current node in orange and its parents in blue.
The drawing is a window onto the graph that keeps the current node in view and keeps its
place and zoom from step to step; zoom buttons and "whole graph" change it. `next()`,
`previous()` and `show(i)` move the stepper from code as the buttons do.

    >>> from autograd_xor import Value
    >>> from autograd_xor.stepping import Steps
    >>> x = Value(0.5, label="x"); y = x * x; y.label = "y"
    >>> s = Stepper(Steps(y), draw=False)
    >>> s.next(); s.slider.value, s.current.text()
    (1, 'forward 2/2: y = x * x = 0.5000 * 0.5000 = 0.2500; local derivatives ∂y/∂x = 0.5000, ∂y/∂x = 0.5000')
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import TYPE_CHECKING

try:
    import ipywidgets as widgets
except ImportError:
    raise ImportError('the stepper widget needs ipywidgets: pip install "autograd_xor[jupyter]"; '
                      'without it, step(loss, widget=False) gives a plain iterator') from None

from .explorer import Explorer, GraphTooLargeError, explore
from .render import DotNotFoundError

if TYPE_CHECKING:
    from typing import Protocol

    from .engine import Value

    class _Step(Protocol):
        """What the stepper reads of a step: a `ForwardStep` or `BackwardStep` of
        `autograd_xor.stepping`, named here by its shape because stepping imports this
        module (for the type checker only: nothing at run time)."""
        index: int
        total: int
        order: list[Value]

        def text(self) -> str: ...


__all__ = ["Stepper"]


VIEW = (900, 420)        # the drawing's window in px


class Stepper(widgets.VBox):
    """Previous/next buttons, a slider, the current step in words and the graph.

    `draw=False` leaves the graph out (e.g. without the Graphviz `dot` program); the text
    still follows the slider. `zoom` is the drawing's scale (1 = 100%).

        >>> from autograd_xor import Value
        >>> from autograd_xor.stepping import Steps
        >>> x = Value(2.0, label="x"); y = x * 3; y.label = "y"
        >>> s = Stepper(Steps(y, "backward"), draw=False)
        >>> s.show(1); s.current.text()
        'backward 2/3: v1: ∂y/∂v1 = 2.0000, final (a leaf)'
    """

    def __init__(self, steps: Iterable[_Step], *, rankdir: str = "LR", draw: bool = True,
                 zoom: float = 1.0) -> None:
        self.steps: list[_Step] = list(steps.steps if hasattr(steps, "steps") else steps)
        if not self.steps:
            raise ValueError("Stepper: there are no steps to show")
        self.rankdir, self.draw, self.zoom = rankdir, draw, float(zoom)
        self.whole = False                   # True: the whole graph, fitted to the window
        self._explorer: Explorer | None = None     # made at the first drawing
        self._centre: tuple[float, float] | None = None  # the window's centre, once drawn
        self.prev_button = widgets.Button(description="◀ previous", layout={"width": "110px"})
        self.next_button = widgets.Button(description="next ▶", layout={"width": "110px"})
        self.slider = widgets.IntSlider(value=0, min=0, max=len(self.steps) - 1,
                                        description="step", readout=False,
                                        continuous_update=False)
        self.counter = widgets.Label()
        self.text = widgets.HTML()
        # The drawing is the value of an HTML widget, not output displayed into an Output
        # widget: a display into an Output widget during a cell makes nbclient (which
        # executes notebooks in tests, nbconvert and CI) send a comm message on the shell
        # channel while it waits for the cell's reply there, and now and then the reply's
        # wakeup is lost, so the cell waits out nbclient's whole timeout.
        self.graph = widgets.HTML()
        small = {"width": "44px"}
        self.zoom_out = widgets.Button(description="−", tooltip="zoom out", layout=small)
        self.zoom_in = widgets.Button(description="+", tooltip="zoom in", layout=small)
        self.whole_button = widgets.ToggleButton(description="whole graph", value=False,
                                                 tooltip="fit the whole graph in the window")
        self.prev_button.on_click(lambda _: self.previous())
        self.next_button.on_click(lambda _: self.next())
        self.zoom_out.on_click(lambda _: self.set_zoom(self.zoom / 1.25))
        self.zoom_in.on_click(lambda _: self.set_zoom(self.zoom * 1.25))
        self.whole_button.observe(lambda change: self._set_whole(change["new"]), names="value")
        self.slider.observe(lambda change: self._show(change["new"]), names="value")
        bar = [self.prev_button, self.slider, self.next_button, self.counter]
        if draw:
            bar += [self.zoom_out, self.zoom_in, self.whole_button]
        super().__init__([widgets.HBox(bar), self.text, self.graph])
        self._show(0)

    @property
    def current(self) -> _Step:
        """The step on show."""
        return self.steps[self.slider.value]

    def show(self, i: int) -> None:
        """Go to step `i` (from 0; negative counts from the end)."""
        n = len(self.steps)
        if not -n <= i < n:
            raise IndexError(f"Stepper.show: step {i} is out of range; there are {n} steps")
        self.slider.value = i % n            # the slider's observer redraws

    def next(self) -> None:
        if self.slider.value < len(self.steps) - 1:
            self.slider.value += 1

    def previous(self) -> None:
        if self.slider.value > 0:
            self.slider.value -= 1

    def set_zoom(self, zoom: float) -> None:
        """Draw at `zoom` (1 = 100%), keeping the window's centre."""
        self.zoom = min(4.0, max(0.1, float(zoom)))
        self.whole = self.whole_button.value = False
        self._show(self.slider.value)

    def _set_whole(self, whole):
        if whole != self.whole:
            self.whole = whole
            self._show(self.slider.value)

    def _show(self, i):
        step = self.steps[i]
        self.counter.value = f"{i + 1} / {len(self.steps)}"
        self.prev_button.disabled = i == 0
        self.next_button.disabled = i == len(self.steps) - 1
        self.text.value = f"<code>{html.escape(step.text())}</code>"
        if self.draw:
            # A missing Graphviz is not an error of the step: say so and keep the text going.
            # Other errors propagate: to the code that moved the stepper, or, after a click,
            # to ipywidgets, which shows the traceback.
            try:
                svg = self._drawing(step)
            except (ImportError, DotNotFoundError, GraphTooLargeError) as e:
                self.graph.value = f"<i>(no drawing: {html.escape(str(e))})</i>"
            else:
                self.graph.value = svg

    def _drawing(self, step):
        """The explorer's drawing after this step's event, through a window that keeps the
        current node in view (moving only when the node would leave it)."""
        if self._explorer is None:
            self._explorer = explore(step.order[-1])
        ex = self._explorer
        n_nodes = step.total
        k = step.index + 1 + (n_nodes if hasattr(step, "upstream") else 0)
        (width, height), boxes = ex.size(self.rankdir)
        if self.whole:
            scale = min(1.0, VIEW[0] / width, VIEW[1] / height)
            return ex.svg(k, scale=scale, rankdir=self.rankdir)
        w, h = min(width, VIEW[0] / self.zoom), min(height, VIEW[1] / self.zoom)
        x, y, bw, bh = boxes[_position(step)]
        if self._centre is None or not _inside((x, y, bw, bh), self._centre, w, h):
            self._centre = (_clamp(x, w, width), _clamp(y, h, height))
        cx, cy = self._centre
        window = (cx - w / 2, cy - h / 2, w, h)
        return ex.svg(k, window=window, scale=self.zoom, rankdir=self.rankdir)


def _position(step):
    """The step's node's index in the topological order."""
    return step.index if not hasattr(step, "upstream") else step.total - 1 - step.index


def _inside(box, centre, w, h, margin=10):
    x, y, bw, bh = box
    cx, cy = centre
    return (cx - w / 2 + margin <= x - bw / 2 and x + bw / 2 <= cx + w / 2 - margin and
            cy - h / 2 + margin <= y - bh / 2 and y + bh / 2 <= cy + h / 2 - margin)


def _clamp(x, window, size):
    """A window's centre near x that shows no empty margin beyond the drawing."""
    if window >= size:
        return size / 2
    return min(max(x, window / 2), size - window / 2)
