"""``Dropout``: inverted dropout, active in training mode only."""

from __future__ import annotations

import autograd as ag

from . import functional as F
from .module import Module

__all__ = ["Dropout"]


class Dropout(Module):
    """Zeroes each element with probability p during training and scales the rest by 1/(1-p),
    so the expected output equals the input; the identity after ``eval()``.

    The mask comes from ``ag.rand``: ``ag.manual_seed`` makes it repeatable.
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
