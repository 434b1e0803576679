"""Loss modules: thin wrappers over the ``nn.functional`` losses, with PyTorch's signatures.

``loss_fn = nn.CrossEntropyLoss(); loss = loss_fn(logits, labels)``. Every one
takes ``reduction='mean' | 'sum' | 'none'``.
"""

from __future__ import annotations

from typing import Any

import autograd as ag

from . import functional as F
from .module import Module

__all__ = ["MSELoss", "L1Loss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss"]

Tensor = ag.Tensor


class _Loss(Module):
    def __init__(self, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = F._reduction(size_average, reduce, reduction)


class _WeightedLoss(_Loss):
    def __init__(self, weight: Tensor | None = None, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class MSELoss(_Loss):
    """Mean squared error: l_n = (x_n - y_n)^2, averaged (or summed) over all elements.

    Input and target of the same shape (any); output a scalar, or the input's shape with
    ``reduction='none'``. ``reduction`` is 'mean' (default), 'sum' or 'none' (the per-element
    losses, no reduction); any other value raises ValueError. Shapes that differ raise ValueError
    (they would broadcast and
    compare the wrong pairs, a classic (N, 1) against (N,) bug).

    Examples:
        >>> import autograd as ag, nn
        >>> loss = nn.MSELoss()
        >>> loss(ag.tensor([1.0, 2.0, 3.0]), ag.tensor([1.0, 4.0, 3.0]))
        tensor(1.3333)
        >>> nn.MSELoss(reduction='none')(ag.tensor([1.0, 2.0]), ag.tensor([0.0, 0.0]))
        tensor([1., 4.])
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error: l_n = |x_n - y_n|.

    Input and target of the same shape; output a scalar. ``reduction`` is 'mean' (default), 'sum' or
    'none' (the per-element losses, no reduction); any other value raises ValueError.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.L1Loss()(ag.tensor([1.0, 2.0, 3.0]), ag.tensor([1.0, 4.0, 0.0]))
        tensor(1.6667)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy on probabilities: l_n = -w_n (y_n ln x_n + (1 - y_n) ln(1 - x_n)),
    logs floored at -100. Put a Sigmoid before it, or use BCEWithLogitsLoss (more stable).

    Input: probabilities in [0, 1], any shape; target: 0/1 (or soft) labels of the same shape;
    ``weight`` rescales each element. Output a scalar. ``reduction`` is 'mean' (default), 'sum' or
    'none' (the per-element losses, no reduction); any other value raises ValueError. Values outside
    [0, 1] raise
    RuntimeError.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.BCELoss()(ag.tensor([0.9, 0.2]), ag.tensor([1.0, 0.0])).round(decimals=4)
        tensor(0.1643)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + binary cross-entropy in one stable op, on raw scores (logits):
    l_n = w_n ((1 - y_n) x_n + (1 + (p - 1) y_n) ln(1 + e^{-x_n})), p = pos_weight.

    Input: scores (logits), any shape; target of the same shape with values in [0, 1].
    ``pos_weight`` (one per class, broadcast along the last dimension) weighs the positive
    examples, for unbalanced classes. Output a scalar. ``reduction`` is 'mean' (default), 'sum' or
    'none' (the per-element losses, no reduction); any other value raises ValueError.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.BCEWithLogitsLoss()(ag.tensor([2.0, -1.0]), ag.tensor([1.0, 0.0])).round(decimals=4)
        tensor(0.2201)
    """

    def __init__(self, weight: Tensor | None = None, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean", pos_weight: Tensor | None = None) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.weight,
                                                  pos_weight=self.pos_weight,
                                                  reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Softmax + negative log-likelihood in one stable op, on logits (N, C) or (N, C, d1, ...).

    Targets are class indices (int64, shape (N,) or (N, d1, ...)) or class probabilities
    (float, the input's shape). Options as PyTorch: weight, ignore_index, label_smoothing.

    ``weight`` (C,) rescales each class; targets equal to ``ignore_index`` (default -100) add
    nothing; ``label_smoothing`` in [0, 1] mixes the targets with the uniform distribution.
    Output a scalar. ``reduction`` is 'mean' (default), 'sum' or 'none' (the per-element losses, no
    reduction); any other value raises ValueError. A class index outside [0, C) raises IndexError.

    Examples:
        >>> import autograd as ag, nn
        >>> logits = ag.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 3.0]])
        >>> nn.CrossEntropyLoss()(logits, ag.tensor([0, 2])).round(decimals=4)
        tensor(0.1672)
    """

    def __init__(self, weight: Tensor | None = None, size_average: Any = None,
                 ignore_index: int = -100, reduce: Any = None, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities (LogSoftmax output): l_n = -w[y_n] x[n, y_n].

    Input: log-probabilities (N, C) or (N, C, d1, ...); target: class indices (N,) or
    (N, d1, ...). ``weight`` and ``ignore_index`` as in CrossEntropyLoss, which equals
    LogSoftmax followed by this loss. Output a scalar. ``reduction`` is 'mean' (default), 'sum' or
    'none' (the per-element losses, no reduction); any other value raises ValueError. Mismatched
    batch sizes raise
    ValueError, class indices out of range IndexError.

    Examples:
        >>> import autograd as ag, nn
        >>> log_probs = nn.LogSoftmax(dim=1)(ag.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 3.0]]))
        >>> nn.NLLLoss()(log_probs, ag.tensor([0, 2])).round(decimals=4)
        tensor(0.1672)
    """

    def __init__(self, weight: Tensor | None = None, size_average: Any = None,
                 ignore_index: int = -100, reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


# --- more of PyTorch's losses ----------------------------------------------------------------

__all__ += ["SmoothL1Loss", "HuberLoss", "KLDivLoss", "CosineEmbeddingLoss", "MarginRankingLoss"]


class SmoothL1Loss(_Loss):
    """Smooth L1: l_n = (x_n - y_n)^2 / (2 beta) where |x_n - y_n| < beta, else
    |x_n - y_n| - beta / 2.

    Input and target of the same shape; output a scalar. ``reduction`` is 'mean' (default), 'sum' or
    'none' (the per-element losses, no reduction); any other value raises ValueError.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.SmoothL1Loss()(ag.tensor([0.5, 3.0]), ag.tensor([0.0, 0.0]))
        tensor(1.3125)
    """

    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
                 beta: float = 1.0) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Huber: l_n = (x_n - y_n)^2 / 2 where |x_n - y_n| < delta, else
    delta (|x_n - y_n| - delta / 2).

    Input and target of the same shape; output a scalar. ``reduction`` is 'mean' (default), 'sum' or
    'none' (the per-element losses, no reduction); any other value raises ValueError.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.HuberLoss(delta=1.0)(ag.tensor([0.5, 3.0]), ag.tensor([0.0, 0.0]))
        tensor(1.3125)
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class KLDivLoss(_Loss):
    """KL divergence of log-probabilities (input) from a target distribution:
    l_n = y_n (ln y_n - x_n). Use ``reduction='batchmean'`` for the divergence per sample.

    Input: log-probabilities; target: probabilities of the same shape (log-probabilities with
    ``log_target=True``). Output a scalar. ``reduction`` is 'mean', 'batchmean', 'sum' or 'none'.

    Examples:
        >>> import autograd as ag, nn
        >>> p = ag.tensor([[0.5, 0.5]])
        >>> q = ag.tensor([[0.9, 0.1]])
        >>> nn.KLDivLoss(reduction='batchmean')(q.log(), p).round(decimals=4)
        tensor(0.5108)
    """

    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
                 log_target: bool = False) -> None:
        super().__init__(size_average, reduce,
                         "mean" if reduction == "batchmean" else reduction)
        if reduction == "batchmean" and size_average is None and reduce is None:
            self.reduction = "batchmean"
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class CosineEmbeddingLoss(_Loss):
    """l_n = 1 - cos(x1_n, x2_n) for y_n = 1, max(0, cos(x1_n, x2_n) - margin) for y_n = -1.

    Inputs x1, x2 of shape (N, D) (or (D,)); target y of shape (N,) with values 1 or -1. Output
    a scalar. ``reduction`` is 'mean' (default), 'sum' or 'none' (the per-element losses, no
    reduction); any other value raises ValueError.

    Examples:
        >>> import autograd as ag, nn
        >>> x1 = ag.tensor([[1.0, 0.0], [1.0, 0.0]])
        >>> x2 = ag.tensor([[1.0, 0.0], [0.0, 1.0]])
        >>> nn.CosineEmbeddingLoss()(x1, x2, ag.tensor([1.0, 1.0]))
        tensor(0.5000)
    """

    def __init__(self, margin: float = 0.0, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin,
                                       reduction=self.reduction)


class MarginRankingLoss(_Loss):
    """l_n = max(0, -y_n (x1_n - x2_n) + margin): x1 should rank above x2 where y_n = 1.

    Inputs x1, x2 and target y (1 or -1) of shape (N,); output a scalar. ``reduction`` is 'mean'
    (default), 'sum' or 'none' (the per-element losses, no reduction); any other value raises
    ValueError.

    Examples:
        >>> import autograd as ag, nn
        >>> x1, x2, y = ag.tensor([2.0, 1.0]), ag.tensor([1.0, 1.0]), ag.tensor([1.0, 1.0])
        >>> nn.MarginRankingLoss(margin=0.5)(x1, x2, y)
        tensor(0.2500)
    """

    def __init__(self, margin: float = 0.0, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin,
                                     reduction=self.reduction)
