"""``Dropout``, ``Dropout1d``, ``Dropout2d``: inverted dropout, active in training mode only."""

from __future__ import annotations

import autograd as ag

from . import functional as F
from .module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d"]


class _DropoutNd(Module):
    """What the dropout layers share: the probability p and ``inplace``."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zeroes each element with probability p during training and scales the rest by 1/(1-p),
    so the expected output equals the input; the identity after ``eval()``.

    The mask comes from ``ag.rand``: ``ag.manual_seed`` makes it repeatable.
    """

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """Zeroes whole channels of (N, C, L) or (C, L) input with probability p during training
    (one draw per sample and channel), scaling the others by 1/(1-p); the identity after
    ``eval()``. Neighbouring values of a sequence are strongly correlated, so dropping single
    values would hardly regularise; dropping channels does."""

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Zeroes whole channels (feature maps) of (N, C, H, W) input with probability p during
    training, scaling the others by 1/(1-p); the identity after ``eval()``. A 3D input is
    taken as (N, C, L), with PyTorch's warning."""

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        return F.dropout2d(input, self.p, self.training, self.inplace)
