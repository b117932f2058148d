"""The main job: learn XOR with a small network and report it.

    >>> result = train_xor(seed=0)
    >>> result.learned, [round(p) for p in result.predictions]
    (True, [0, 1, 1, 0])
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Callable

from .datasets import XOR_INPUTS, XOR_TARGETS
from .engine import no_grad
from .losses import binary_cross_entropy
from .nn import MLP
from .optim import SGD

__all__ = ["XOR_INPUTS", "XOR_TARGETS", "XORResult", "learned_xor", "make_xor_model", "train_xor"]


def learned_xor(outputs: Iterable[float]) -> bool:
    """Whether the outputs for `XOR_INPUTS` are each within 0.5 of their target, so that
    rounding them gives XOR.

        >>> learned_xor([0.1, 0.9, 0.8, 0.3]), learned_xor([0.1, 0.9, 0.8, 0.5])
        (True, False)
    """
    return all(abs(p - t) < 0.5 for p, t in zip(outputs, XOR_TARGETS))


@dataclass
class XORResult:
    """What `train_xor` returns: the trained model, the settings, the loss before each
    update, the final predictions and their loss; `learned` says whether rounding gives XOR.

        >>> r = train_xor(seed=0, epochs=5)
        >>> len(r.losses), r.learned          # one loss per update; 5 epochs are too few
        (5, False)
    """
    model: MLP
    epochs: int
    lr: float
    seed: int
    losses: list[float] = field(default_factory=list)      # the loss before each update
    predictions: list[float] = field(default_factory=list)
    loss: float = float("nan")                             # the loss of the final predictions

    @property
    def learned(self) -> bool:
        """Every output within 0.5 of its target: rounding gives XOR."""
        return learned_xor(self.predictions)


def make_xor_model(hidden: int = 4, seed: int = 0) -> MLP:
    """2 inputs, `hidden` tanh units, one sigmoid output; weights from `random.Random(seed)`
    drawn through the global `random` as micrograd does, so the same seed gives the same net.

        >>> a, b = make_xor_model(hidden=2, seed=0), make_xor_model(hidden=2, seed=0)
        >>> a
        MLP of [Layer of [TanhNeuron(2), TanhNeuron(2)], Layer of [SigmoidNeuron(2)]]
        >>> a.state_dict() == b.state_dict()
        True
    """
    state = random.getstate()
    random.seed(seed)
    try:
        return MLP(2, [hidden, 1], activations=["tanh", "sigmoid"])
    finally:
        random.setstate(state)


def _loss(model):
    outputs = [model(x) for x in XOR_INPUTS]
    loss = sum(binary_cross_entropy(o, t) for o, t in zip(outputs, XOR_TARGETS)) / len(outputs)
    return loss, outputs


def train_xor(hidden: int = 4, epochs: int = 1000, lr: float = 0.5, seed: int = 0,
              model: MLP | None = None, callback: Callable[[int, float], object] | None = None
              ) -> XORResult:
    """Full-batch SGD on the four XOR points with mean binary cross-entropy.

    `callback(epoch, loss)` is called after every update (for progress bars and plots).
    Pass `model` to continue training one you have (e.g. loaded from a file).

        >>> seen = []
        >>> r = train_xor(epochs=3, callback=lambda epoch, loss: seen.append(epoch))
        >>> seen, len(r.losses)
        ([1, 2, 3], 3)
    """
    if model is None:
        model = make_xor_model(hidden, seed)
    opt = SGD(model.parameters(), lr=lr)
    result = XORResult(model=model, epochs=epochs, lr=lr, seed=seed)
    for epoch in range(epochs):
        loss, _ = _loss(model)
        opt.zero_grad()
        loss.backward()
        opt.step()
        result.losses.append(loss.data)
        if callback is not None:
            callback(epoch + 1, loss.data)
    with no_grad():
        loss, outputs = _loss(model)
    result.predictions = [o.data for o in outputs]
    result.loss = loss.data
    return result
