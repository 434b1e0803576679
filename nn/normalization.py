"""Normalisation layers: ``BatchNorm1d``, ``BatchNorm2d``, ``BatchNorm3d``, ``LayerNorm``,
``GroupNorm``, as ``torch.nn``.

Each standardises its input, xhat = (x - mu) / sqrt(sigma^2 + eps), and scales and shifts
it, y = weight xhat + bias (weight starts at 1, bias at 0). Batch norm takes mu and sigma^2
per channel over the batch while training and keeps running averages of them (buffers
``running_mean``, ``running_var``, ``num_batches_tracked``, saved in the state_dict), which
it uses after ``eval()``. Layer and group norm take them per sample, the same in both modes.
"""

from __future__ import annotations

from typing import Any

import autograd as ag

from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LayerNorm", "GroupNorm"]


def _affine_parameters(module: Module, shape: Any, affine: bool, bias: bool, dtype: Any,
                       device: Any) -> None:
    """The learned scale (``weight``) and shift (``bias``) of a normalisation layer, or
    None where ``affine`` (or ``bias``) is off, as PyTorch registers them."""
    weight = Parameter(ag.empty(shape, dtype=dtype, device=device)) if affine else None
    module.register_parameter("weight", weight)
    module.register_parameter(
        "bias", Parameter(ag.empty(shape, dtype=dtype, device=device)) if affine and bias else None)


def _reset_affine(module: Module) -> None:
    """Scale 1 and shift 0: a normalisation layer starts as the plain standardisation."""
    if module.weight is not None:
        init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)


class _NormBase(Module):
    """What the batch norms share: parameters, running statistics, resets and repr."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device: Any = None,
                 dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        _affine_parameters(self, num_features, affine, bias, dtype, device)
        if track_running_stats:
            self.register_buffer("running_mean", ag.zeros(num_features, dtype=dtype,
                                                          device=device))
            self.register_buffer("running_var", ag.ones(num_features, dtype=dtype,
                                                        device=device))
            self.register_buffer("num_batches_tracked", ag.tensor(0, dtype=ag.int64,
                                                                  device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        """running_mean to 0, running_var to 1, num_batches_tracked to 0."""
        if self.track_running_stats:
            with ag.no_grad():
                self.running_mean.zero_()
                self.running_var.fill_(1)
                self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        """The running statistics reset; weight to 1 and bias to 0."""
        self.reset_running_stats()
        _reset_affine(self)

    def _check_input_dim(self, input: ag.Tensor) -> None:
        raise NotImplementedError

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        self._check_input_dim(input)
        # The weight of this batch in the running averages: momentum, or 1/(batches seen)
        # for momentum=None, which makes them the plain (cumulative) average of all batches.
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            with ag.no_grad():
                self.num_batches_tracked.add_(1)
            if self.momentum is None:
                factor = 1.0 / float(self.num_batches_tracked.item())
        # Batch statistics while training, and in eval() where there are no running ones.
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        # The running statistics are updated only while training and tracking them.
        tracked = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if tracked else None,
                            self.running_var if tracked else None, self.weight, self.bias,
                            use_batch, factor, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_NormBase):
    """Batch normalisation of (N, C) or (N, C, L) input, per channel C:
    y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias.

    While training, E[x] and Var[x] (biased) are taken over the batch (and L), and the
    running estimates are updated: running = (1 - momentum) running + momentum batch (with
    the unbiased variance); ``momentum=None`` averages all batches equally. After ``eval()``
    the running estimates are used. ``track_running_stats=False`` keeps none (the buffers are
    None) and always uses the batch's statistics.

    Input (N, C) or (N, C, L); output the same shape. ``num_features`` is C. Buffers
    ``running_mean``, ``running_var`` and ``num_batches_tracked`` are in the state_dict.
    Training on a batch of one sample per channel raises ValueError (no variance to take).

    Examples:
        >>> import autograd as ag, nn
        >>> bn = nn.BatchNorm1d(2)
        >>> y = bn(ag.tensor([[1.0, 10.0], [3.0, 30.0]]))
        >>> y
        tensor([[-1.0000, -1.0000],
                [ 1.0000,  1.0000]], grad_fn=<NativeBatchNormBackward0>)
        >>> bn.running_mean
        tensor([0.2000, 2.0000])
        >>> list(bn.state_dict())
        ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
    """

    def _check_input_dim(self, input: ag.Tensor) -> None:
        if input.ndim not in (2, 3):
            raise ValueError(f"expected 2D or 3D input (got {input.ndim}D input)")


class BatchNorm2d(_NormBase):
    """Batch normalisation of (N, C, H, W) input, per channel C (statistics over N, H, W);
    see :class:`BatchNorm1d` for training, evaluation and the running statistics.

    Input (N, C, H, W); output the same shape. ``num_features`` is C. Typically placed after a
    Conv2d (which may then drop its bias).

    Examples:
        >>> import autograd as ag, nn
        >>> bn = nn.BatchNorm2d(16)
        >>> x = ag.randn(8, 16, 5, 5) * 3 + 1
        >>> y = bn(x)
        >>> y.shape, abs(y.mean().item()) < 1e-4, round(y.std().item(), 2)
        (autograd.Size([8, 16, 5, 5]), True, 1.0)
    """

    def _check_input_dim(self, input: ag.Tensor) -> None:
        if input.ndim != 4:
            raise ValueError(f"expected 4D input (got {input.ndim}D input)")


class BatchNorm3d(_NormBase):
    """Batch normalisation of (N, C, D, H, W) input, per channel C (statistics over N, D, H,
    W); see :class:`BatchNorm1d` for training, evaluation and the running statistics.

    Input (N, C, D, H, W); output the same shape.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.BatchNorm3d(4)(ag.randn(2, 4, 3, 3, 3)).shape
        autograd.Size([2, 4, 3, 3, 3])
    """

    def _check_input_dim(self, input: ag.Tensor) -> None:
        if input.ndim != 5:
            raise ValueError(f"expected 5D input (got {input.ndim}D input)")


class LayerNorm(Module):
    """Layer normalisation over the last dims, ``normalized_shape``, of each sample:
    y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias, E and Var (biased) over those dims.

    ``weight`` and ``bias`` have shape ``normalized_shape`` (1 and 0 to start);
    ``elementwise_affine=False`` has neither, ``bias=False`` no bias. Training and evaluation
    compute the same.

    Input ``(*, normalized_shape)``: its last dimensions must equal ``normalized_shape`` (an
    int means the last one), else RuntimeError. Output the same shape.

    Examples:
        >>> import autograd as ag, nn
        >>> ln = nn.LayerNorm(3)
        >>> ln(ag.tensor([[1.0, 2.0, 3.0], [10.0, 10.0, 40.0]]))
        tensor([[-1.2247,  0.0000,  1.2247],
                [-0.7071, -0.7071,  1.4142]], grad_fn=<NativeLayerNormBackward0>)
    """

    def __init__(self, normalized_shape: Any, eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _affine_parameters(self, self.normalized_shape, elementwise_affine, bias, dtype, device)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Weight back to 1 and bias to 0 (when the layer has them).

        Examples:
            >>> import autograd as ag, nn
            >>> m = nn.GroupNorm(1, 2)
            >>> with ag.no_grad():
            ...     _ = m.weight.fill_(3.0)
            >>> m.reset_parameters()
            >>> m.weight.tolist()
            [1.0, 1.0]
        """
        _reset_affine(self)

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


class GroupNorm(Module):
    """Group normalisation of (N, C, *) input: the C channels in ``num_groups`` groups, each
    sample's group standardised over its channels and *; then weight and bias per channel.

    ``num_groups=1`` normalises each sample over all its values (as LayerNorm over (C, *),
    with per-channel affine); ``num_groups=C`` each channel on its own (instance norm).

    ``num_channels`` must be divisible by ``num_groups`` (ValueError otherwise). Output the
    input's shape.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.GroupNorm(2, 4)(ag.randn(3, 4, 5, 5)).shape
        autograd.Size([3, 4, 5, 5])
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(
                f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})"
            )
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        _affine_parameters(self, num_channels, affine, bias, dtype, device)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Weight back to 1 and bias to 0 (when the layer has them).

        Examples:
            >>> import autograd as ag, nn
            >>> m = nn.LayerNorm(2)
            >>> with ag.no_grad():
            ...     _ = m.weight.fill_(3.0)
            >>> m.reset_parameters()
            >>> m.weight.tolist()
            [1.0, 1.0]
        """
        _reset_affine(self)

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, "
                f"affine={self.affine}, bias={self.bias is not None}")
