"""Convolutions as one matrix product: conv2d, conv_transpose2d, pad, unfold and fold.

The idea (im2col): every output pixel of a convolution is a dot product of the
kernel with one window of the input. Lay the windows out as the rows of a
matrix ``cols`` and the whole convolution is one matrix product::

    x (N, C, H, W)  --windows-->  cols (N*Ho*Wo, C*kh*kw)
    y = cols @ W^T               W reshaped to (O, C*kh*kw);  y is (N*Ho*Wo, O)

The windows are read without a Python loop: ``as_strided`` gives a view of x
of shape (N, C, Ho, Wo, kh, kw) whose steps in memory jump by the stride (and
dilation); copying that view into a matrix is the only pass over the windows.

Backward, with G = dL/dy as a (N*Ho*Wo, O) matrix:

- dL/dW = G^T @ cols  (one matrix product with the saved cols)
- dL/dcols = G @ W, then col2im adds every window's gradient back onto the
  input pixels it was read from: a loop over the kh*kw kernel offsets, each
  adding one strided slice (overlapping windows accumulate). dL/dcols is as
  large as cols, so it is made one kernel offset at a time (col2im_product):
  backward then needs little more memory than the saved cols.

``groups`` split the channels into G independent convolutions; the matrices
carry a leading group axis and ``@`` runs the G products at once.

conv_transpose2d is conv2d's adjoint (its forward is conv2d's input gradient),
so its backward uses conv2d's forward pieces. unfold is im2col itself and fold
is col2im, PyTorch's F.unfold and F.fold.

These ops support first-order gradients only: their backward rules read
strided windows of raw arrays, which the Tensor namespace does not record
(``create_graph=True`` through them raises a RuntimeError saying so).
"""

from __future__ import annotations

from typing import Any

from ..backend import get_array_module
from ..function import Op

# One geometry per spatial axis pair: (kh, kw), (sh, sw), (dh, dw), (ho, wo).
Pair = tuple[int, int]


def first_order_only(grad: Any, name: str) -> None:
    """Refuse a create_graph backward (the rule would see Tensors, not arrays)."""
    if getattr(type(grad), "_array_namespace", None) is not None:
        raise RuntimeError(
            f"{name} supports first-order gradients only: its backward cannot be "
            "differentiated again (create_graph=True)"
        )


def windows(x: Any, kernel: Pair, stride: Pair, dilation: Pair, out_hw: Pair) -> Any:
    """A read-only view of x (N, C, H, W) of shape (N, C, Ho, Wo, kh, kw), no copy.

    ``view[n, c, i, j, a, b] = x[n, c, i*sh + a*dh, j*sw + b*dw]``: the window of output
    pixel (i, j), kernel offset (a, b). The caller makes sure the windows fit in x.
    """
    xp = get_array_module(x)
    n, c = x.shape[:2]
    s_n, s_c, s_h, s_w = x.strides
    shape = (n, c, out_hw[0], out_hw[1], kernel[0], kernel[1])
    strides = (s_n, s_c, s_h * stride[0], s_w * stride[1], s_h * dilation[0], s_w * dilation[1])
    return xp.lib.stride_tricks.as_strided(x, shape, strides)


def im2col(x: Any, kernel: Pair, stride: Pair, dilation: Pair, out_hw: Pair,
           groups: int) -> Any:
    """The windows of x (N, C, H, W) as a matrix per group: (G, N*Ho*Wo, C/G*kh*kw).

    Row r = (n, i, j) holds the window of output pixel (i, j) of sample n, its
    columns ordered (channel, kernel row, kernel column) like a flattened weight.
    This copy is the only pass over the windows.
    """
    n, c = x.shape[:2]
    ho, wo = out_hw
    kh, kw = kernel
    view = windows(x, kernel, stride, dilation, out_hw)  # (N, C, Ho, Wo, kh, kw)
    view = view.reshape(n, groups, c // groups, ho, wo, kh, kw)  # splits C: still a view
    view = view.transpose(1, 0, 3, 4, 2, 5, 6)  # (G, N, Ho, Wo, C/G, kh, kw)
    return view.reshape(groups, n * ho * wo, (c // groups) * kh * kw)  # the copy


def col2im(cols: Any, shape: tuple[int, ...], kernel: Pair, stride: Pair, dilation: Pair,
           out_hw: Pair, groups: int) -> Any:
    """The adjoint of im2col: each row of cols (G, N*Ho*Wo, C/G*kh*kw) added back onto
    the pixels of an (N, C, H, W) array that its window covers.

    One strided slice per kernel offset (a, b): the pixels that offset touches, one per
    output pixel. Windows that overlap add up, as the chain rule asks.
    """
    xp = get_array_module(cols)
    n, c, h, w = shape
    ho, wo = out_hw
    kh, kw = kernel
    (sh, sw), (dh, dw) = stride, dilation
    cg = c // groups
    cols = cols.reshape(groups, n, ho, wo, cg, kh, kw)
    out = xp.zeros((n, groups, cg, h, w), dtype=cols.dtype)
    for a in range(kh):
        rows = slice(a * dh, a * dh + sh * (ho - 1) + 1, sh)
        for b in range(kw):
            columns = slice(b * dw, b * dw + sw * (wo - 1) + 1, sw)
            # (G, N, Ho, Wo, C/G) -> (N, G, C/G, Ho, Wo), the layout of out's slice
            out[:, :, :, rows, columns] += cols[:, :, :, :, :, a, b].transpose(1, 0, 4, 2, 3)
    return out.reshape(n, c, h, w)


def col2im_product(a: Any, w: Any, shape: tuple[int, ...], kernel: Pair, stride: Pair,
                   dilation: Pair, out_hw: Pair, groups: int) -> Any:
    """col2im(a @ w.reshape(G, K, C/G*kh*kw)) without building that product.

    ``a`` is (G, N*Ho*Wo, K), ``w`` (G, K, C/G, kh, kw). Per kernel offset (a, b) one small
    product ``a @ w[..., a, b]`` gives the (N*Ho*Wo, C/G) gradients that offset sends back,
    added onto its strided slice at once: the big matrix of window gradients (as large as
    cols) never exists, so backward needs no more memory than the saved cols.
    """
    xp = get_array_module(a)
    n, c, h, wd = shape
    ho, wo = out_hw
    kh, kw = kernel
    (sh, sw), (dh, dw) = stride, dilation
    cg = c // groups
    out = xp.zeros((n, groups, cg, h, wd), dtype=a.dtype)
    for i in range(kh):
        rows = slice(i * dh, i * dh + sh * (ho - 1) + 1, sh)
        for j in range(kw):
            columns = slice(j * dw, j * dw + sw * (wo - 1) + 1, sw)
            part = (a @ w[:, :, :, i, j]).reshape(groups, n, ho, wo, cg)
            out[:, :, :, rows, columns] += part.transpose(1, 0, 4, 2, 3)
    return out.reshape(n, c, h, wd)


def zero_pad(x: Any, padding: tuple[int, int, int, int]) -> Any:
    """x (N, C, H, W) with zeros added: padding = (top, bottom, left, right)."""
    if not any(padding):
        return x
    top, bottom, left, right = padding
    xp = get_array_module(x)
    return xp.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))


def _out_size(size: int, pad: int, k: int, s: int, d: int) -> int:
    """Output length of a convolution: floor((size + pads - d*(k-1) - 1) / s) + 1."""
    return (size + pad - d * (k - 1) - 1) // s + 1


class Conv2d(Op):
    """y[n, o] = b[o] + sum_{c, a, b} w[o, c, a, b] x[n, c, i*s + a*d, j*s + b*d] (per group).

    As matrices: y = cols @ W^T + b, with cols = im2col(x). So
    dL/dW = G^T @ cols, dL/db = sum of G over (n, i, j), dL/dx = col2im(G @ W).
    ``padding`` is (top, bottom, left, right) zeros; 'same' may pad unevenly.
    Only the cols matrix is saved (and only when W needs a gradient), not the input.
    """
    tensor_inputs = (0, 1, 2)
    backward_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, stride, padding, dilation, groups):
        n, c, h, w = x.shape
        o, cg, kh, kw = weight.shape
        top, bottom, left, right = padding
        ho = _out_size(h, top + bottom, kh, stride[0], dilation[0])
        wo = _out_size(w, left + right, kw, stride[1], dilation[1])
        x_padded = zero_pad(x, padding)
        cols = im2col(x_padded, (kh, kw), stride, dilation, (ho, wo), groups)
        del x_padded
        w_mat = weight.reshape(groups, o // groups, cg * kh * kw)
        y = cols @ w_mat.transpose(0, 2, 1)  # (G, N*Ho*Wo, O/G): one product per group
        # (G, N, Ho, Wo, O/G) -> (N, O, Ho, Wo): a view for groups=1 (channels last in memory)
        y = y.reshape(groups, n, ho, wo, o // groups).transpose(1, 0, 4, 2, 3)
        y = y.reshape(n, o, ho, wo)
        if bias is not None:
            y += bias.reshape(1, o, 1, 1)  # y is our own new array: add in place
        need = ctx.needs_input_grad
        if need:
            ctx.save_for_backward(cols if need[1] else None, weight if need[0] else None)
            ctx.geometry = (x.shape, (kh, kw), stride, padding, dilation, (ho, wo), groups)
        return y

    @staticmethod
    def backward(ctx, grad):
        first_order_only(grad, "conv2d")
        cols, weight = ctx.saved_tensors
        x_shape, kernel, stride, padding, dilation, out_hw, groups = ctx.geometry
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        n, o, ho, wo = grad.shape
        # dL/dy as one matrix per group: (G, N*Ho*Wo, O/G), rows ordered like cols'
        g = grad.reshape(n, groups, o // groups, ho, wo).transpose(1, 0, 3, 4, 2)
        g = g.reshape(groups, n * ho * wo, o // groups)
        grad_x = grad_w = grad_b = None
        if need_w:
            grad_w = (g.transpose(0, 2, 1) @ cols).reshape(o, -1, kernel[0], kernel[1])
        if need_b:
            grad_b = grad.sum(axis=(0, 2, 3))
        if need_x:
            # dL/dcols = G @ W, added back onto the windows' pixels (col2im), offset by offset
            top, bottom, left, right = padding
            n, c, h, w = x_shape
            padded = (n, c, h + top + bottom, w + left + right)
            w_parts = weight.reshape(groups, o // groups, c // groups, kernel[0], kernel[1])
            grad_x = col2im_product(g, w_parts, padded, kernel, stride, dilation, out_hw, groups)
            if any(padding):
                grad_x = grad_x[:, :, top:top + h, left:left + w]
        return grad_x, grad_w, grad_b, None, None, None, None


class ConvTranspose2d(Op):
    """The adjoint of conv2d wrt its input: each input pixel spreads w[c] times its value
    over a kh x kw patch of the output (patches stride apart, overlaps adding up).

    As matrices, with X the input as (N*H*W, C) per group: cols = X @ W, y = col2im(cols)
    cropped by ``padding``, plus b. So dL/dX = im2col(G) @ W^T (a conv2d of the gradient),
    dL/dW = X^T @ im2col(G), dL/db = sum of G over (n, i, j). ``weight`` is
    (C_in, C_out/groups, kh, kw), as PyTorch's.
    """
    tensor_inputs = (0, 1, 2)
    backward_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, stride, padding, output_padding, dilation, groups):
        n, c, h, w = x.shape
        _, og, kh, kw = weight.shape
        cg, o = c // groups, og * groups
        # the uncropped output: every patch fits, plus output_padding rows/columns at the end
        full_h = (h - 1) * stride[0] + dilation[0] * (kh - 1) + 1 + output_padding[0]
        full_w = (w - 1) * stride[1] + dilation[1] * (kw - 1) + 1 + output_padding[1]
        x_mat = x.reshape(n, groups, cg, h * w).transpose(1, 0, 3, 2).reshape(groups, n * h * w, cg)
        # col2im(X @ W): each input pixel's patch added onto the output, offset by offset
        w_parts = weight.reshape(groups, cg, og, kh, kw)
        y = col2im_product(x_mat, w_parts, (n, o, full_h, full_w), (kh, kw), stride, dilation,
                           (h, w), groups)
        ph, pw = padding
        y = y[:, :, ph:full_h - ph, pw:full_w - pw]
        if bias is not None:
            y += bias.reshape(1, o, 1, 1)  # y is a view of our own new array
        need = ctx.needs_input_grad
        if need:
            ctx.save_for_backward(x_mat if need[1] else None, weight if need[0] else None)
            ctx.geometry = ((h, w), (kh, kw), stride, padding, dilation, groups)
        return y

    @staticmethod
    def backward(ctx, grad):
        first_order_only(grad, "conv_transpose2d")
        x_mat, weight = ctx.saved_tensors
        (h, w), kernel, stride, (ph, pw), dilation, groups = ctx.geometry
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        n, o = grad.shape[:2]
        grad_x = grad_w = grad_b = None
        if need_b:
            grad_b = grad.sum(axis=(0, 2, 3))
        if need_x or need_w:
            # the cropped border back as zeros, then the windows of the gradient: conv2d's cols
            g = zero_pad(grad, (ph, ph, pw, pw))
            g_cols = im2col(g, kernel, stride, dilation, (h, w), groups)  # (G, N*H*W, O/G*k*k)
            del g
            c = weight.shape[0]
            cg = c // groups
            if need_w:
                grad_w = (x_mat.transpose(0, 2, 1) @ g_cols).reshape(weight.shape)
            if need_x:
                gx = g_cols @ weight.reshape(groups, cg, -1).transpose(0, 2, 1)  # (G, N*H*W, C/G)
                grad_x = gx.reshape(groups, n, h, w, cg).transpose(1, 0, 4, 2, 3)
                grad_x = grad_x.reshape(n, c, h, w)
        return grad_x, grad_w, grad_b, None, None, None, None, None


class Unfold(Op):
    """F.unfold: the sliding windows of x (N, C, H, W) as columns, (N, C*kh*kw, L).

    Forward is im2col (zero padding first); backward is col2im, which adds each
    window's gradient back onto the pixels it covers.
    """
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, kernel, dilation, padding, stride):
        n, c, h, w = x.shape
        ph, pw = padding
        ho = _out_size(h, 2 * ph, kernel[0], stride[0], dilation[0])
        wo = _out_size(w, 2 * pw, kernel[1], stride[1], dilation[1])
        cols = im2col(zero_pad(x, (ph, ph, pw, pw)), kernel, stride, dilation, (ho, wo), 1)
        ctx.geometry = (x.shape, kernel, dilation, padding, stride, (ho, wo))
        return cols.reshape(n, ho * wo, -1).transpose(0, 2, 1)

    @staticmethod
    def backward(ctx, grad):
        first_order_only(grad, "unfold")
        (n, c, h, w), kernel, dilation, (ph, pw), stride, out_hw = ctx.geometry
        cols = grad.transpose(0, 2, 1).reshape(1, -1, grad.shape[1])
        padded = (n, c, h + 2 * ph, w + 2 * pw)
        gx = col2im(cols, padded, kernel, stride, dilation, out_hw, 1)
        return gx[:, :, ph:ph + h, pw:pw + w], None, None, None, None


class Fold(Op):
    """F.fold: columns (N, C*kh*kw, L) summed back into an image (N, C, H, W), the adjoint
    of unfold. Forward is col2im (then the padding cropped); backward is im2col."""
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, cols, output_size, kernel, dilation, padding, stride, blocks_hw):
        n, ckk, _ = cols.shape
        c = ckk // (kernel[0] * kernel[1])
        h, w = output_size
        ph, pw = padding
        rows = cols.transpose(0, 2, 1).reshape(1, -1, ckk)
        y = col2im(rows, (n, c, h + 2 * ph, w + 2 * pw), kernel, stride, dilation, blocks_hw, 1)
        ctx.geometry = (kernel, dilation, padding, stride, blocks_hw)
        return y[:, :, ph:ph + h, pw:pw + w]

    @staticmethod
    def backward(ctx, grad):
        first_order_only(grad, "fold")
        kernel, dilation, (ph, pw), stride, (ho, wo) = ctx.geometry
        n = grad.shape[0]
        cols = im2col(zero_pad(grad, (ph, ph, pw, pw)), kernel, stride, dilation, (ho, wo), 1)
        return cols.reshape(n, ho * wo, -1).transpose(0, 2, 1), None, None, None, None, None, None


_NUMPY_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge",
                "circular": "wrap"}


class Pad(Op):
    """F.pad: x with ``widths[axis] = (before, after)`` added along each axis.

    'constant' adds ``value``; its gradient is the gradient's middle (the padding
    got nothing from x). 'reflect' mirrors x without repeating the edge, 'replicate'
    repeats the edge, 'circular' wraps around: each padded element is a copy of
    some element of x, so its gradient is added back onto that element. Negative
    widths ('constant' only) crop.
    """
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, widths, mode, value):
        xp = get_array_module(x)
        ctx.widths, ctx.mode, ctx.shape = widths, mode, x.shape
        if mode == "constant":
            ctx.backward_name = "ConstantPadNdBackward0"
        # crop first where a width is negative, then pad what is positive
        crop = tuple(slice(max(0, -b), n - max(0, -a)) for (b, a), n in zip(widths, x.shape))
        x = x[crop]
        positive = tuple((max(0, b), max(0, a)) for b, a in widths)
        if not any(b or a for b, a in positive):
            return x.copy()
        if mode == "constant":
            return xp.pad(x, positive, mode="constant", constant_values=value)
        return xp.pad(x, positive, mode=_NUMPY_MODES[mode])

    @staticmethod
    def backward(ctx, grad):
        widths, mode, shape = ctx.widths, ctx.mode, ctx.shape
        if mode != "constant":
            first_order_only(grad, f"pad(mode='{mode}')")
        xp = get_array_module(grad)
        # the middle: the gradient of the elements of x itself
        middle = tuple(slice(max(0, b), max(0, b) + n - max(0, -b) - max(0, -a))
                       for (b, a), n in zip(widths, shape))
        g = grad[middle]
        if mode == "constant":
            if all(b >= 0 and a >= 0 for b, a in widths):
                return g, None, None, None
            # cropped elements get no gradient: zeros padded back where x was cropped
            cropped = tuple((max(0, -b), max(0, -a)) for b, a in widths)
            if getattr(type(g), "_array_namespace", None) is not None:  # create_graph
                return Pad.apply(g, cropped, "constant", 0.0), None, None, None
            return xp.pad(g, cropped), None, None, None
        # copying modes: one axis at a time, from the last one padded back to the first,
        # fold each padded border back onto the elements of x it copies
        g = grad
        for axis in reversed(range(len(shape))):
            before, after = widths[axis]
            if before or after:
                g = _fold_border(xp, g, axis, before, after, shape[axis], mode)
        return g, None, None, None


def _fold_border(xp: Any, g: Any, axis: int, before: int, after: int, n: int, mode: str) -> Any:
    """The gradient along ``axis`` of one padding step (size n + before + after -> n)."""
    def take(start: int, stop: int) -> Any:
        index = [slice(None)] * g.ndim
        index[axis] = slice(start, stop)
        return g[tuple(index)]

    def at(start: int, stop: int) -> tuple:
        index = [slice(None)] * g.ndim
        index[axis] = slice(start, stop)
        return tuple(index)

    out = take(before, before + n).copy()
    left, right = take(0, before), take(before + n, before + n + after)
    if mode == "reflect":  # x[before], ..., x[1] | x | x[n-2], ..., x[n-1-after]
        out[at(1, before + 1)] += xp.flip(left, axis=axis)
        out[at(n - 1 - after, n - 1)] += xp.flip(right, axis=axis)
    elif mode == "replicate":  # x[0] repeated | x | x[n-1] repeated
        out[at(0, 1)] += left.sum(axis=axis, keepdims=True)
        out[at(n - 1, n)] += right.sum(axis=axis, keepdims=True)
    else:  # circular: x[n-before:] | x | x[:after]
        out[at(n - before, n)] += left
        out[at(0, after)] += right
    return out


__all__ = ["Conv2d", "ConvTranspose2d", "Unfold", "Fold", "Pad", "im2col", "col2im",
           "col2im_product",
           "windows", "zero_pad", "first_order_only"]
