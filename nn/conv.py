"""Convolution layers: ``Conv1d``, ``Conv2d`` and ``ConvTranspose2d``, as PyTorch's.

Each holds ``weight`` (out_channels, in_channels/groups, *kernel_size) (for
ConvTranspose2d: (in_channels, out_channels/groups, *kernel_size)) and ``bias``
(out_channels,), both drawn as PyTorch draws them: kaiming_uniform_ with
a = sqrt(5), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = weight.shape[1] *
kh * kw, and the bias from the same range.
"""

from __future__ import annotations

import math
from typing import Any

import autograd as ag

from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["Conv1d", "Conv2d", "ConvTranspose2d"]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _ntuple(value: Any, n: int) -> tuple[int, ...]:
    if isinstance(value, int):
        return (value,) * n
    values = tuple(value)
    return values * n if len(values) == 1 else values


class _ConvNd(Module):
    """What Conv1d, Conv2d and ConvTranspose2d share: arguments, parameters, init, repr."""

    _nd = 2
    transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any,
                 padding: Any, dilation: Any, groups: int, bias: bool, padding_mode: str,
                 output_padding: Any = 0, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        nd = self._nd
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                f"padding_mode must be one of {list(_PADDING_MODES)}, but got "
                f"padding_mode='{padding_mode}'"
            )
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _ntuple(kernel_size, nd)
        self.stride = _ntuple(stride, nd)
        self.dilation = _ntuple(dilation, nd)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(
                    f"Invalid padding string '{padding}', should be one of ['valid', 'same']"
                )
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
            self.padding: Any = padding
        else:
            self.padding = _ntuple(padding, nd)
        self.output_padding = _ntuple(output_padding, nd)
        self.groups = groups
        self.padding_mode = padding_mode
        # F.pad's widths for the padding modes other than zeros, last dimension first
        if padding == "same":
            totals = [d * (k - 1) for d, k in zip(self.dilation, self.kernel_size)]
            pairs = [(t // 2, t - t // 2) for t in totals]
        elif padding == "valid":
            pairs = [(0, 0)] * nd
        else:
            pairs = [(p, p) for p in self.padding]
        self._reversed_padding_repeated_twice = tuple(p for pair in reversed(pairs) for p in pair)
        if self.transposed:
            shape = (in_channels, out_channels // groups, *self.kernel_size)
        else:
            shape = (out_channels, in_channels // groups, *self.kernel_size)
        self.weight = Parameter(ag.empty(shape, dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(ag.empty(out_channels, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        nd = self._nd
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0,) * nd:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * nd:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * nd:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s

    def _conv_forward(self, input: ag.Tensor, conv: Any) -> ag.Tensor:
        if self.padding_mode != "zeros":
            padded = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return conv(padded, self.weight, self.bias, self.stride, 0, self.dilation,
                        self.groups)
        return conv(input, self.weight, self.bias, self.stride, self.padding, self.dilation,
                    self.groups)


class Conv1d(_ConvNd):
    """1-d convolution over (N, C_in, L): y[n, o, i] = b[o] + sum_{c, a} w[o, c, a]
    ``x[n, c, i*s + a*d]`` (over o's group of channels); see nn.functional.conv1d.

    Input (N, C_in, L) or (C_in, L); output (N, C_out, L_out) with
    L_out = floor((L + 2 padding - dilation (kernel_size - 1) - 1) / stride) + 1. ``groups``
    must divide both channel counts (ValueError otherwise).

    Examples:
        >>> import autograd as ag, nn
        >>> conv = nn.Conv1d(4, 8, kernel_size=3, padding=1)
        >>> conv(ag.zeros(2, 4, 10)).shape
        autograd.Size([2, 8, 10])
    """

    _nd = 1

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device=device, dtype=dtype)

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        return self._conv_forward(input, F.conv1d)


class Conv2d(_ConvNd):
    """2-d convolution over (N, C_in, H, W): each output channel o is its kernel
    w[o] (C_in/groups, kh, kw) slid over the input, plus b[o]; see nn.functional.conv2d.

    Args:
        in_channels, out_channels: C_in and C_out.
        kernel_size, stride, dilation: an int or a pair (kh, kw); stride 1, dilation 1 (the
            gap between kernel taps) by default.
        padding: an int, a pair, 'valid' (none) or 'same' (output size = input size).
        groups: split the channels into this many independent convolutions (C_in for a
            depthwise one); it must divide both channel counts.
        bias: add the learned b (default True).
        padding_mode: 'zeros', 'reflect', 'replicate' or 'circular'.

    Input (N, C_in, H, W) or (C_in, H, W); output (N, C_out, H_out, W_out), with
    H_out = floor((H + 2 padding - dilation (kernel_size - 1) - 1) / stride) + 1 and W_out alike.
    ``weight`` is (C_out, C_in/groups, kh, kw), ``bias`` (C_out,). Bad ``groups``, an unknown
    ``padding_mode`` and ``padding='same'`` with a stride raise ValueError; an input with the
    wrong number of channels raises RuntimeError.

    Examples:
        >>> import autograd as ag, nn
        >>> conv = nn.Conv2d(3, 16, kernel_size=3, stride=1, padding=1)
        >>> conv.weight.shape
        autograd.Size([16, 3, 3, 3])
        >>> conv(ag.zeros(8, 3, 32, 32)).shape
        autograd.Size([8, 16, 32, 32])
        >>> nn.Conv2d(3, 16, kernel_size=5, stride=2)(ag.zeros(8, 3, 32, 32)).shape
        autograd.Size([8, 16, 14, 14])
    """

    _nd = 2

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device=device, dtype=dtype)

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        return self._conv_forward(input, F.conv2d)


class ConvTranspose2d(_ConvNd):
    """Transposed 2-d convolution (conv2d's input gradient as a layer, to upsample).

    Output size per axis: (H - 1) s - 2p + d (k - 1) + output_padding + 1. Only
    padding_mode='zeros', as in PyTorch. ``forward(input, output_size=None)`` picks
    output_padding to reach ``output_size`` where given.

    Input (N, C_in, H, W); output (N, C_out, H_out, W_out). ``weight`` is
    (C_in, C_out/groups, kh, kw).

    Examples:
        >>> import autograd as ag, nn
        >>> up = nn.ConvTranspose2d(16, 3, kernel_size=2, stride=2)
        >>> up(ag.zeros(1, 16, 8, 8)).shape
        autograd.Size([1, 3, 16, 16])
    """

    _nd = 2
    transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, output_padding: Any = 0, groups: int = 1, bias: bool = True,
                 dilation: Any = 1, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:
        if padding_mode != "zeros":
            raise ValueError(
                f'Only "zeros" padding mode is supported for {type(self).__name__}'
            )
        if isinstance(padding, str):
            raise ValueError(f"padding='{padding}' is not supported by ConvTranspose2d")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, output_padding, device=device, dtype=dtype)

    def forward(self, input: ag.Tensor, output_size: Any = None) -> ag.Tensor:
        output_padding = self.output_padding
        if output_size is not None:
            wanted = tuple(output_size)[-2:]
            output_padding = []
            for n, want, s, p, d, k in zip(input.shape[-2:], wanted, self.stride, self.padding,
                                           self.dilation, self.kernel_size):
                smallest = (n - 1) * s - 2 * p + d * (k - 1) + 1
                if not smallest <= want < smallest + s:
                    raise ValueError(
                        f"requested an output size of {list(wanted)}, but valid sizes range "
                        f"from {smallest} to {smallest + s - 1} (for an input of "
                        f"{list(input.shape[-2:])})"
                    )
                output_padding.append(want - smallest)
        return F.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding,
                                  tuple(output_padding), self.groups, self.dilation)
