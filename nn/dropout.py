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

    Input any shape; output the same shape. ``p`` outside [0, 1] raises ValueError;
    ``inplace=True`` writes into the input.

    Examples:
        >>> import autograd as ag, nn
        >>> drop = nn.Dropout(p=0.5)
        >>> y = drop(ag.ones(1000))
        >>> sorted(set(y.tolist()))
        [0.0, 2.0]
        >>> _ = drop.eval()
        >>> drop(ag.ones(3))
        tensor([1., 1., 1.])
    """

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """Zeroes whole channels of (N, C, L) or (C, L) input with probability p during training
    (one draw per sample and channel), scaling the others by 1/(1-p); the identity after
    ``eval()``. Neighbouring values of a sequence are strongly correlated, so dropping single
    values would hardly regularise; dropping channels does.

    ``p`` outside [0, 1] raises ValueError.

    Examples:
        >>> import autograd as ag, nn
        >>> y = nn.Dropout1d(p=0.5)(ag.ones(2, 8, 5))
        >>> bool(((y == 0).all(dim=2) | (y == 2).all(dim=2)).all())
        True
    """

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Zeroes whole channels (feature maps) of (N, C, H, W) input with probability p during
    training, scaling the others by 1/(1-p); the identity after ``eval()``. A 3D input is
    taken as (N, C, L), with PyTorch's warning.

    ``p`` outside [0, 1] raises ValueError.

    Examples:
        >>> import autograd as ag, nn
        >>> y = nn.Dropout2d(p=0.5)(ag.ones(2, 8, 4, 4))
        >>> y.shape, sorted(set(y.flatten().tolist()))
        (autograd.Size([2, 8, 4, 4]), [0.0, 2.0])
    """

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        return F.dropout2d(input, self.p, self.training, self.inplace)
