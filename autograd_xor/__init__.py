"""autograd_xor: a small, exact, fast scalar reverse-mode autodiff engine for learning
backpropagation, a drop-in for micrograd with rendering, stepping and gradient checking.

    >>> from autograd_xor import Value
    >>> a = Value(-4.0); b = Value(2.0)
    >>> c = a + b
    >>> c.backward(); a.grad
    1.0
"""

# Drawing, stepping and exploring import graphviz/ipywidgets only when a drawing or widget
# is made.
from . import datasets
from .engine import (
    Value,
    detect_anomaly,
    enable_grad,
    is_grad_enabled,
    no_grad,
    topological_order,
    weighted_sum,
)
from .explorer import explore
from .gradcheck import GradcheckError, gradcheck, numerical_grad
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    half_squared_error,
    hinge,
    log_softmax,
    mse,
    softmax,
    squared_error,
)
from .nn import MLP, Layer, Module, Neuron, load_model as load
from .optim import SGD, Adam, AdamW
from .render import draw_dot, draw_network, to_dot
from .replay import Compiled, CompileError, compile
from .stepping import step

__version__ = "0.1.0"

# grouped by layer, in the order docs/api.md names them, rather than sorted
__all__ = [  # noqa: RUF022
    "Value", "no_grad", "enable_grad", "is_grad_enabled", "detect_anomaly",
    "topological_order", "weighted_sum", "compile", "Compiled", "CompileError",
    "gradcheck", "numerical_grad", "GradcheckError",
    "Module", "Neuron", "Layer", "MLP", "load", "SGD", "Adam", "AdamW", "datasets",
    "squared_error", "half_squared_error", "mse", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "hinge", "softmax", "log_softmax", "cross_entropy",
    "draw_dot", "draw_network", "to_dot", "step", "explore",
]
