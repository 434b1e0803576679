"""Pooling layers, as PyTorch's: ``MaxPool1d``, ``MaxPool2d``, ``AvgPool1d``, ``AvgPool2d``,
``AdaptiveAvgPool1d``, ``AdaptiveAvgPool2d``, ``AdaptiveMaxPool2d``.

No parameters: each calls its nn.functional form with the arguments it was built with.
"""

from __future__ import annotations

from typing import Any

import autograd as ag

from . import functional as F
from .module import Module

__all__ = ["MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool1d",
           "AdaptiveAvgPool2d", "AdaptiveMaxPool2d"]


class _MaxPoolNd(Module):
    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 dilation: Any = 1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """Max over sliding windows of (N, C, L); see nn.functional.max_pool1d.

    Input (N, C, L) or (C, L); output (N, C, L_out),
    L_out = floor((L + 2 padding - dilation (kernel_size - 1) - 1) / stride) + 1.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.MaxPool1d(2)(ag.tensor([[[1.0, 3.0, 2.0, 0.0]]]))
        tensor([[[3., 2.]]])
    """

    def forward(self, input: ag.Tensor) -> Any:
        return F.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MaxPool2d(_MaxPoolNd):
    """Max over sliding kernel_size windows of (N, C, H, W) (stride defaults to
    kernel_size); each window's gradient goes to its first maximum. See
    nn.functional.max_pool2d.

    Args:
        kernel_size: the window, an int or a pair (kh, kw).
        stride: the step between windows (default: kernel_size, windows side by side).
        padding: -inf added on each side; more than half the kernel size raises RuntimeError.
        dilation: the gap between the window's taps (default 1).
        return_indices: also return the flat index (in H x W) of each maximum.
        ceil_mode: round the output size up, so a last partial window counts.

    Input (N, C, H, W) or (C, H, W); output (N, C, H_out, W_out),
    H_out = floor((H + 2 padding - dilation (kernel_size - 1) - 1) / stride) + 1 (ceil with
    ``ceil_mode=True``).

    Examples:
        >>> import autograd as ag, nn
        >>> x = ag.arange(16.0).reshape(1, 1, 4, 4)
        >>> nn.MaxPool2d(2)(x)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
        >>> nn.MaxPool2d(kernel_size=3, stride=2, padding=1)(ag.zeros(8, 16, 32, 32)).shape
        autograd.Size([8, 16, 16, 16])
    """

    def forward(self, input: ag.Tensor) -> Any:
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class AvgPool1d(Module):
    """Mean over sliding windows of (N, C, L); see nn.functional.avg_pool1d.

    Input (N, C, L) or (C, L); output (N, C, L_out), L_out as in MaxPool1d.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.AvgPool1d(2)(ag.tensor([[[1.0, 3.0, 2.0, 0.0]]]))
        tensor([[[2., 1.]]])
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True) -> None:
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


def _single(value: Any) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


class AvgPool2d(Module):
    """Mean over sliding windows of (N, C, H, W), zero padding counted or not
    (count_include_pad), or a fixed divisor_override; see nn.functional.avg_pool2d.

    Input (N, C, H, W) or (C, H, W); output (N, C, H_out, W_out),
    H_out = floor((H + 2 padding - kernel_size) / stride) + 1.

    Examples:
        >>> import autograd as ag, nn
        >>> x = ag.arange(16.0).reshape(1, 1, 4, 4)
        >>> nn.AvgPool2d(2)(x)
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _AdaptivePool(Module):
    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptivePool):
    """Mean over output_size windows that tile (N, C, L); see
    nn.functional.adaptive_avg_pool1d.

    Input (N, C, L) or (C, L); output (N, C, output_size).

    Examples:
        >>> import autograd as ag, nn
        >>> nn.AdaptiveAvgPool1d(2)(ag.tensor([[[1.0, 3.0, 2.0, 0.0, 4.0, 5.0]]]))
        tensor([[[2., 3.]]])
    """

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        return F.adaptive_avg_pool1d(input, self.output_size)


class AdaptiveAvgPool2d(_AdaptivePool):
    """Mean over the windows that tile (N, C, H, W) into output_size (None keeps an axis);
    see nn.functional.adaptive_avg_pool2d.

    Input (N, C, H, W) or (C, H, W); output (N, C, *output_size), whatever H and W are: an
    int n means (n, n). ``AdaptiveAvgPool2d(1)`` is global average pooling.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.AdaptiveAvgPool2d((1, 1))(ag.zeros(8, 512, 7, 7)).shape
        autograd.Size([8, 512, 1, 1])
        >>> nn.AdaptiveAvgPool2d((2, None))(ag.zeros(8, 3, 10, 6)).shape
        autograd.Size([8, 3, 2, 6])
    """

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        return F.adaptive_avg_pool2d(input, self.output_size)


class AdaptiveMaxPool2d(_AdaptivePool):
    """Max over the windows of AdaptiveAvgPool2d; see nn.functional.adaptive_max_pool2d.

    Input (N, C, H, W) or (C, H, W); output (N, C, *output_size); with ``return_indices=True``
    also the flat index of each maximum.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.AdaptiveMaxPool2d(1)(ag.arange(16.0).reshape(1, 1, 4, 4))
        tensor([[[[15.]]]])
    """

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input: ag.Tensor) -> Any:
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)
