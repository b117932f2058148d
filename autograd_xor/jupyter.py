"""The Jupyter stepper: a widget to walk through a pass node by node (the `jupyter` extra).

`autograd_xor.step(loss)` returns a `Stepper` when it runs in a Jupyter kernel. It is an
ipywidgets `VBox`: previous/next buttons and a slider over the steps, a line of text that
explains the current step, and the graph drawn with the current node in orange and its
parents in blue. `next()`, `previous()` and `show(i)` move it from code as the buttons do.

    >>> from autograd_xor import Value
    >>> from autograd_xor.stepping import Steps
    >>> x = Value(0.5, label="x"); y = x * x; y.label = "y"
    >>> s = Stepper(Steps(y), draw=False)
    >>> s.next(); s.slider.value, s.current.text()
    (1, 'forward 2/2: y = x * x = 0.5000 * 0.5000 = 0.2500; local derivatives ∂y/∂x = 0.5000, ∂y/∂x = 0.5000')
"""

import html

try:
    import ipywidgets as widgets
    from IPython.display import HTML, SVG, clear_output, display
except ImportError:
    raise ImportError('the stepper widget needs ipywidgets: pip install "autograd_xor[jupyter]"; '
                      'without it, step(loss, widget=False) gives a plain iterator') from None

from .render import DotNotFoundError

__all__ = ["Stepper"]


class Stepper(widgets.VBox):
    """Previous/next buttons, a slider, the current step in words and the graph.

    `draw=False` leaves the graph out (e.g. without the Graphviz `dot` program); the text
    still follows the slider.

        >>> from autograd_xor import Value
        >>> from autograd_xor.stepping import Steps
        >>> x = Value(2.0, label="x"); y = x * 3; y.label = "y"
        >>> s = Stepper(Steps(y, "backward"), draw=False)
        >>> s.show(1); s.current.text()
        'backward 2/3: v1: ∂y/∂v1 = 2.0000, final (a leaf)'
    """

    def __init__(self, steps, *, rankdir="LR", draw=True):
        self.steps = list(steps.steps if hasattr(steps, "steps") else steps)
        if not self.steps:
            raise ValueError("Stepper: there are no steps to show")
        self.rankdir, self.draw = rankdir, draw
        self.prev_button = widgets.Button(description="◀ previous", layout={"width": "110px"})
        self.next_button = widgets.Button(description="next ▶", layout={"width": "110px"})
        self.slider = widgets.IntSlider(value=0, min=0, max=len(self.steps) - 1,
                                        description="step", readout=False,
                                        continuous_update=False)
        self.counter = widgets.Label()
        self.text = widgets.HTML()
        self.graph = widgets.Output()
        self.prev_button.on_click(lambda _: self.previous())
        self.next_button.on_click(lambda _: self.next())
        self.slider.observe(lambda change: self._show(change["new"]), names="value")
        super().__init__([widgets.HBox([self.prev_button, self.slider, self.next_button,
                                        self.counter]),
                          self.text, self.graph])
        self._show(0)

    @property
    def current(self):
        """The step on show."""
        return self.steps[self.slider.value]

    def show(self, i):
        """Go to step `i` (from 0; negative counts from the end)."""
        n = len(self.steps)
        if not -n <= i < n:
            raise IndexError(f"Stepper.show: step {i} is out of range; there are {n} steps")
        self.slider.value = i % n            # the slider's observer redraws

    def next(self):
        if self.slider.value < len(self.steps) - 1:
            self.slider.value += 1

    def previous(self):
        if self.slider.value > 0:
            self.slider.value -= 1

    def _show(self, i):
        step = self.steps[i]
        self.counter.value = f"{i + 1} / {len(self.steps)}"
        self.prev_button.disabled = i == 0
        self.next_button.disabled = i == len(self.steps) - 1
        self.text.value = f"<code>{html.escape(step.text())}</code>"
        if self.draw:
            # Errors while drawing go into the output widget (and the notebook's widget state);
            # a missing Graphviz is not an error of the step: say so and keep the text going.
            with self.graph:
                clear_output(wait=True)
                try:
                    svg = step.draw(self.rankdir).pipe(format="svg", encoding="utf-8")
                except (ImportError, DotNotFoundError) as e:
                    display(HTML(f"<i>(no drawing: {html.escape(str(e))})</i>"))
                else:
                    display(SVG(svg))
