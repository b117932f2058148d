"""Gradient descent on f(x) = x⁴ − 3x³ + 2 from x = 4, the first example of a tutorial.

The tutorial's script steps x ← x − 0.01·f′(x) until x moves by no more than 0.00001 and prints
"Local minimum occurs at 2.2500325268933734". Here f′(x) is `x.grad` after `f.backward()`;
the tutorial's hand-written `f_derivative` runs beside it for comparison.

    >>> r = run()
    >>> r["values"]["minimum"], r["values"]["iterations"]
    (2.2500325268933734, 42)
"""

from __future__ import annotations

from typing import Any, Callable

from ..engine import Value
from ._base import FIGURE_HEADERS, Scalar, Walkthrough, figure, figure_rows, fmt, table

__all__ = ["WALKTHROUGH", "after_backward", "descend", "engine_derivative", "f", "render", "run",
           "tutorial_derivative"]

X0, GAMMA, PRECISION = 4, 0.01, 0.00001
PRINTED_MINIMUM = "2.2500325268933734"


def f(x: Scalar) -> Scalar:
    """x⁴ − 3x³ + 2 (on a Value or a float)."""
    return x ** 4 - 3 * x ** 3 + 2


def engine_derivative(x: float) -> float:
    """f′(x) from the engine: build f at x, call backward(), read x.grad."""
    v = Value(x, label="x")
    f(v).backward()
    return v.grad


def tutorial_derivative(x: float) -> float:
    """The tutorial's hand derivative, `4 * x**3 - 9 * x**2`, kept only to compare with."""
    return 4 * x ** 3 - 9 * x ** 2


def descend(derivative: Callable[[float], float], x_new: float = X0, gamma: float = GAMMA,
            precision: float = PRECISION) -> list[float]:
    """The tutorial's loop: step until |x_new − x_old| <= precision. Returns the path of x."""
    x_old: float = 0
    path = [x_new]
    while abs(x_new - x_old) > precision:
        x_old = x_new
        x_new = x_old - gamma * derivative(x_old)
        path.append(x_new)
    return path


def run() -> dict[str, Any]:
    engine_path = descend(engine_derivative)
    tutorial_path = descend(tutorial_derivative)
    minimum = engine_path[-1]
    # Where (if anywhere) the two derivatives give different floats along the engine's path.
    differ = [k for k, x in enumerate(engine_path[:-1])
              if engine_derivative(x) != tutorial_derivative(x)]
    first = engine_derivative(4.0)
    x1 = 4.0 - 0.001 * first                      # the tutorial's hand steps use alpha = 0.001
    d1 = engine_derivative(x1)
    values: dict[str, Any] = {
        "minimum": minimum, "iterations": len(engine_path) - 1,
        "tutorial-derivative minimum": tutorial_path[-1],
        "tutorial-derivative iterations": len(tutorial_path) - 1,
        "|minimum − printed|": abs(minimum - float(PRINTED_MINIMUM)),
        "|minimum − 9/4|": abs(minimum - 2.25),
        "steps where the derivatives differ": differ,
        "paths identical": engine_path == tutorial_path,
        "steps where the paths differ": sum(a != b for a, b in zip(engine_path, tutorial_path)),
        "largest path difference": max(abs(a - b) for a, b in zip(engine_path, tutorial_path)),
        "f'(4)": first, "f'(-1)": engine_derivative(-1.0), "x after one step": x1,
        "f'(x after one step)": d1, "x after two steps": x1 - 0.001 * d1}
    return {
        "name": "descent", "source": WALKTHROUGH.source,
        "source_file": WALKTHROUGH.source_file,
        "inputs": {"x0": X0, "gamma": GAMMA, "precision": PRECISION},
        "values": values,
        "figures": {"minimum": figure(minimum, PRINTED_MINIMUM),
                    "f'(4)": figure(first, "112"), "f'(-1)": figure(values["f'(-1)"], "-13"),
                    "x after one step": figure(x1, "3.888"),
                    "f'(x after one step)": figure(d1, "99.0436"),
                    "x after two steps": figure(values["x after two steps"], "3.79")},
        "path": engine_path,
    }


def render(result: dict[str, Any]) -> str:
    v, fig = result["values"], result["figures"]
    same = v["|minimum − printed|"] == 0.0
    out = [
        WALKTHROUGH.heading(),
        "",
        "THE TUTORIAL'S HAND STEPS (alpha = 0.001)",
        table(FIGURE_HEADERS, figure_rows(fig, ["f'(4)", "f'(-1)", "x after one step",
                                                "f'(x after one step)", "x after two steps"], {
            "f'(4)": "x.grad after f(x).backward() at x = 4",
            "x after one step": "4 − 0.001 · f′(4)",
            "x after two steps": "3.888 − 0.001 · f′(3.888)"})),
        "",
        f"THE TUTORIAL'S SCRIPT (x from {X0}, step {GAMMA}, precision {PRECISION})",
        table(["x_new after step", "x"], [[k, fmt(x)] for k, x in enumerate(result["path"])
                                          if k < 5 or k > len(result["path"]) - 4]),
        "",
        table(FIGURE_HEADERS, figure_rows(fig, ["minimum"], {
            "minimum": f"after {v['iterations']} steps; analytic 9/4 = 2.25"})),
        "",
        "HOW CLOSE",
    ]
    if same:
        out.append(f"  the engine's descent ends on exactly the float the tutorial prints "
                   f"({PRINTED_MINIMUM}), after the same {v['iterations']} steps.")
    else:
        gap = v["|minimum − printed|"]
        out.append(f"  the engine's descent ends {gap:.1e} away from the tutorial's {PRINTED_MINIMUM}.")
    differ = v["steps where the derivatives differ"]
    out.append(f"  With the tutorial's own f_derivative it ends on "
               f"{fmt(v['tutorial-derivative minimum'])} after "
               f"{v['tutorial-derivative iterations']} steps.")
    out.append("  The two derivatives are the same math in a different float order: the engine "
               "adds 4·x³ and −3·(3·x²)")
    out.append("  (the chain rule through '−' and '3·'), the tutorial computes 4·x³ − 9·x². "
               + (f"Their last bits differ at {len(differ)} of the {v['iterations']} steps "
                  f"({', '.join(map(str, differ))});" if differ else
                  f"They give the same float at every one of the {v['iterations']} steps;"))
    if v["paths identical"]:
        out.append("  a last-bit difference in f′, times 0.01, falls below the last bit of x, "
                   "so the two paths are the same floats at every step.")
    else:
        out.append(f"  times 0.01 they move x by one last bit at some steps (the two paths "
                   f"differ by up to {v['largest path difference']:.1e} at "
                   f"{v['steps where the paths differ']} steps),")
        out.append("  and here both paths meet again on the same final float. That is why the "
                   "last digits could differ: a different order of the same float operations "
                   "can end one last bit away.")
    out.append(f"  Both stop {v['|minimum − 9/4|']:.2e} above the true minimum 9/4: "
               "the loop stops when a step is small, not when x has arrived.")
    return "\n".join(out)


def after_backward() -> tuple[None, Value]:
    """No network (a function of one variable) and f at x = 4 after one backward(): x.grad
    is f′(4) = 112."""
    x = Value(float(X0), label="x")
    out = f(x)
    out.label = "f"
    out.backward()
    return None, out


INTRO = """Gradient descent on f(x) = x⁴ − 3x³ + 2 from x = 4 with step 0.01, f′ from
`backward()`. The tutorial prints the local minimum 2.2500325268933734; the table says how close
the engine gets and why the last digits of two derivative formulas can differ."""

WALKTHROUGH = Walkthrough(
    name="descent", subject="gradient descent on x⁴ − 3x³ + 2",
    title="from x = 4 to the minimum 2.25003…, f′ from backward()",
    source="the tutorial “Gradient Descent with Backpropagation”, its first example",
    source_file="001_17a4aeef49c46129.txt", intro=INTRO, run=run, render=render,
    after_backward=after_backward,
    cells=(("markdown", "The engine's derivative and the tutorial's `4 * x**3 - 9 * x**2` along "
                        "the path:"),
           ("code", "from autograd_xor.walkthroughs import descent\n"
                    "[(round(x, 6), descent.engine_derivative(x) - descent.tutorial_derivative(x))\n"
                    ' for x in result["path"][:6]]')))
