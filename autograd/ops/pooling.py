"""Pooling: max and average over sliding windows, and their adaptive forms.

All work on (N, C, H, W) arrays; the 1-d forms in nn.functional add an axis of
size 1. The windows are the strided views of :mod:`autograd.ops.conv`
(``windows``): no copy until a reduction needs one.

- max pooling: y = the largest element of each window. Its gradient goes to ONE
  element, the first maximum of the window in row-major order (as PyTorch's
  argmax), never split between ties; overlapping windows add up.
- average pooling: y = sum of the window / divisor; each element of the window
  gets dL/dy / divisor.
- adaptive pooling: window i of an output of size m over an input of size n
  covers [floor(i*n/m), ceil((i+1)*n/m)).

Max pooling's backward supports first-order gradients only (create_graph=True
through it raises a RuntimeError); adaptive average pooling is two matrix
products, and differentiates again.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..backend import device_of, get_array_module, scatter_add, to_device
from ..function import Op
from .conv import first_order_only, windows

Pair = tuple[int, int]


def pool_out_size(size: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """PyTorch's pooling output length: floor (or ceil) of (size + 2p - d(k-1) - 1)/s, plus 1;
    with ceil_mode the last window must start inside the input or its left padding."""
    span = size + 2 * p - d * (k - 1) - 1
    out = (span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _padded(x: Any, padding: Pair, kernel: Pair, stride: Pair, dilation: Pair, out_hw: Pair,
            fill: float) -> Any:
    """x padded with ``fill``: ``padding`` on each side, more on the right/bottom where
    ceil_mode's last window reaches past it."""
    h, w = x.shape[2:]
    extra = []
    for size, p, k, s, d, out in zip((h, w), padding, kernel, stride, dilation, out_hw):
        reach = (out - 1) * s + d * (k - 1) + 1  # the padded length the windows read
        extra.append((p, max(p, reach - size - p)))
    if not any(a or b for a, b in extra):
        return x
    xp = get_array_module(x)
    return xp.pad(x, ((0, 0), (0, 0), extra[0], extra[1]), mode="constant",
                  constant_values=fill)


def _offset_slices(a: int, b: int, stride: Pair, dilation: Pair, out_hw: Pair) -> tuple:
    """The pixels that kernel offset (a, b) reads, one per output pixel: a strided slice."""
    (sh, sw), (dh, dw), (ho, wo) = stride, dilation, out_hw
    return (slice(None), slice(None), slice(a * dh, a * dh + sh * (ho - 1) + 1, sh),
            slice(b * dw, b * dw + sw * (wo - 1) + 1, sw))


class MaxPool2d(Op):
    """y[n, c, i, j] = max over the window of output pixel (i, j) (padding is -inf).

    dL/dx: each window's dL/dy goes to its first maximum (``argmax``), added up over
    overlapping windows. Saves only the argmax (which offset of each window won, one byte
    per window for kernels of up to 256 elements).
    ``found`` is None or a list: forward appends the argmax to it, for return_indices.
    A window holding a NaN gives NaN, as in PyTorch; its gradient goes to the window's
    first NaN (PyTorch's kernel picks the last one).
    """
    tensor_inputs = (0,)
    backward_name = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, dilation, out_hw, found):
        xp = get_array_module(x)
        n, c, h, w = x.shape
        x_pad = _padded(x, padding, kernel, stride, dilation, out_hw, -math.inf)
        # the windows copied to (N, C, Ho, Wo, kh*kw): argmax and max need one axis
        win = windows(x_pad, kernel, stride, dilation, out_hw).reshape(n, c, *out_hw, -1)
        argmax = win.argmax(axis=-1)  # the first maximum, as PyTorch (a NaN counts as max)
        y = xp.take_along_axis(win, argmax[..., None], axis=-1)[..., 0]
        del win
        if kernel[0] * kernel[1] <= 256:  # kept for backward: 1 byte a window, not 8
            argmax = argmax.astype(xp.uint8)
        if found is not None:
            found.append(argmax)
        if ctx.needs_input_grad:
            ctx.save_for_backward(argmax)
            ctx.geometry = (x.shape, x_pad.shape, kernel, stride, padding, dilation, out_hw)
        return y

    @staticmethod
    def backward(ctx, grad):
        first_order_only(grad, "max_pool2d")
        (argmax,) = ctx.saved_tensors
        x_shape, pad_shape, (kh, kw), stride, (ph, pw), dilation, out_hw = ctx.geometry
        xp = get_array_module(grad)
        grad_x = xp.zeros(pad_shape, dtype=grad.dtype)
        zero = xp.zeros((), dtype=grad.dtype)
        for k in range(kh * kw):  # one pass per kernel offset, never one per pixel
            a, b = divmod(k, kw)
            grad_x[_offset_slices(a, b, stride, dilation, out_hw)] += xp.where(argmax == k, grad,
                                                                               zero)
        h, w = x_shape[2:]
        return grad_x[:, :, ph:ph + h, pw:pw + w], None, None, None, None, None, None


def flat_indices(argmax: Any, width: int, kernel: Pair, stride: Pair, padding: Pair,
                 dilation: Pair) -> Any:
    """PyTorch's return_indices: the window's argmax as a flat index row*W + col into
    its (unpadded) input plane, int64."""
    xp = get_array_module(argmax)
    ho, wo = argmax.shape[2:]
    argmax = argmax.astype(xp.int64)
    a, b = argmax // kernel[1], argmax % kernel[1]
    rows = xp.arange(ho, dtype=xp.int64).reshape(ho, 1) * stride[0] - padding[0]
    cols = xp.arange(wo, dtype=xp.int64).reshape(1, wo) * stride[1] - padding[1]
    return (rows + a * dilation[0]) * width + cols + b * dilation[1]


def avg_divisor(xp: Any, size: Pair, kernel: Pair, stride: Pair, padding: Pair, out_hw: Pair,
                count_include_pad: bool, dtype: Any) -> Any:
    """The (Ho, Wo) divisors of average pooling, as PyTorch counts them: the window's size
    clipped to the padded input (count_include_pad) or to the input itself."""
    counts = []
    for n, k, s, p, out in zip(size, kernel, stride, padding, out_hw):
        start = xp.arange(out) * s - p
        end = xp.minimum(start + k, n + p)
        if not count_include_pad:
            start, end = xp.maximum(start, 0), xp.minimum(end, n)
        counts.append(end - start)
    return (counts[0].reshape(-1, 1) * counts[1].reshape(1, -1)).astype(dtype)


class AvgPool2d(Op):
    """y[n, c, i, j] = (sum over the window of (i, j)) / divisor[i, j] (zero padding).

    dL/dx: every element of the window gets dL/dy[i, j] / divisor[i, j]; overlapping
    windows add up. ``divisor`` is an array (Ho, Wo) or a number (divisor_override).
    """
    tensor_inputs = (0,)
    backward_name = "AvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, out_hw, divisor):
        x_pad = _padded(x, padding, kernel, stride, (1, 1), out_hw, 0.0)
        total = windows(x_pad, kernel, stride, (1, 1), out_hw).sum(axis=(4, 5))
        if ctx.needs_input_grad:
            ctx.geometry = (x.shape, x_pad.shape, kernel, stride, padding, out_hw, divisor)
        total /= divisor
        return total

    @staticmethod
    def backward(ctx, grad):
        first_order_only(grad, "avg_pool2d")
        x_shape, pad_shape, (kh, kw), stride, (ph, pw), out_hw, divisor = ctx.geometry
        xp = get_array_module(grad)
        share = grad / divisor  # what each element of a window gets
        grad_x = xp.zeros(pad_shape, dtype=grad.dtype)
        for a in range(kh):
            for b in range(kw):
                grad_x[_offset_slices(a, b, stride, (1, 1), out_hw)] += share
        h, w = x_shape[2:]
        return grad_x[:, :, ph:ph + h, pw:pw + w], None, None, None, None, None


def adaptive_bounds(n: int, m: int) -> tuple[list[int], list[int]]:
    """Adaptive pooling's windows: output i of m over n inputs covers [start_i, end_i)."""
    starts = [(i * n) // m for i in range(m)]
    ends = [-((-(i + 1) * n) // m) for i in range(m)]  # ceil((i+1) n / m)
    return starts, ends


def adaptive_avg_matrix(n: int, m: int, dtype: Any, like: Any) -> Any:
    """The (m, n) matrix A with A[i, start_i:end_i] = 1 / (end_i - start_i), on like's device.

    Adaptive average pooling along an axis is a product with it."""
    starts, ends = adaptive_bounds(n, m)
    a = np.zeros((m, n), dtype=dtype)
    for i, (s, e) in enumerate(zip(starts, ends)):  # m rows: a loop over outputs, not pixels
        a[i, s:e] = 1.0 / (e - s)
    return to_device(a, device_of(like))


class AdaptiveAvgPool2d(Op):
    """y = A_h @ x @ A_w^T over the last two axes (A: adaptive_avg_matrix);
    dL/dx = A_h^T @ G @ A_w. Differentiable again (two matrix products)."""
    tensor_inputs = (0,)
    backward_name = "AdaptiveAvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, out_hw):
        h, w = x.shape[2:]
        a_h = adaptive_avg_matrix(h, out_hw[0], x.dtype, x)
        a_w = adaptive_avg_matrix(w, out_hw[1], x.dtype, x)
        ctx.save_for_backward(a_h, a_w)
        return a_h @ (x @ a_w.T)

    @staticmethod
    def backward(ctx, grad):
        a_h, a_w = ctx.saved_tensors
        return a_h.T @ (grad @ a_w), None


class AdaptiveMaxPool2d(Op):
    """y[n, c, i, j] = max over the adaptive window (i, j); dL/dx: each window's dL/dy
    to its first maximum, added up where windows overlap.

    Windows may differ in size by one: each is read as the largest size, the elements
    past its end masked with -inf. ``found`` as in MaxPool2d, with flat indices.
    """
    tensor_inputs = (0,)
    backward_name = "AdaptiveMaxPool2DBackward0"

    @staticmethod
    def forward(ctx, x, out_hw, found):
        xp = get_array_module(x)
        n, c, h, w = x.shape
        rows, row_ok = _adaptive_index(xp, h, out_hw[0])  # (Ho, kh)
        cols, col_ok = _adaptive_index(xp, w, out_hw[1])  # (Wo, kw)
        win = x[:, :, rows][..., cols]  # (N, C, Ho, kh, Wo, kw)
        ok = row_ok[:, :, None, None] & col_ok[None, None, :, :]
        win = xp.where(ok, win, -math.inf).astype(x.dtype, copy=False)
        win = win.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, out_hw[0], out_hw[1], -1)
        argmax = win.argmax(axis=-1)
        y = xp.take_along_axis(win, argmax[..., None], axis=-1)[..., 0]
        kw = cols.shape[1]
        # flat index into the plane: rows[i, a] * W + cols[j, b]
        i = xp.arange(out_hw[0]).reshape(-1, 1)
        j = xp.arange(out_hw[1]).reshape(1, -1)
        index = rows[i, argmax // kw] * w + cols[j, argmax % kw]
        if found is not None:
            found.append(index.astype(xp.int64))
        if ctx.needs_input_grad:
            ctx.save_for_backward(index)
            ctx.shape = x.shape
        return y

    @staticmethod
    def backward(ctx, grad):
        first_order_only(grad, "adaptive_max_pool2d")
        (index,) = ctx.saved_tensors
        xp = get_array_module(grad)
        n, c, h, w = ctx.shape
        grad_x = xp.zeros((n * c, h * w), dtype=grad.dtype)
        planes = xp.arange(n * c).reshape(-1, 1)
        scatter_add(grad_x, (planes, index.reshape(n * c, -1)), grad.reshape(n * c, -1))
        return grad_x.reshape(n, c, h, w), None, None


def _adaptive_index(xp: Any, n: int, m: int) -> tuple[Any, Any]:
    """For each of the m windows over n: the indices it reads (m, k), padded to the
    largest window size k with its last index, and which of them are its own."""
    starts, ends = adaptive_bounds(n, m)
    k = max(e - s for s, e in zip(starts, ends))
    offsets = np.arange(k)
    index = np.asarray(starts)[:, None] + offsets
    ok = index < np.asarray(ends)[:, None]
    index = np.minimum(index, n - 1)
    return xp.asarray(index), xp.asarray(ok)


__all__ = ["MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d",
           "pool_out_size", "flat_indices", "avg_divisor", "adaptive_bounds"]
