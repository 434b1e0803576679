"""Normalisation (batch, layer and group norm) and the embedding lookup, forward and backward.

The three norms standardise x over a set of axes A (the axes its statistics are taken
over) and then scale and shift each channel or feature:

    mu = (1/M) sum_A x,   sigma^2 = (1/M) sum_A (x - mu)^2   (biased: M values in A)
    xhat = (x - mu) / sqrt(sigma^2 + eps)
    y = gamma xhat + beta

They differ only in A: batch norm takes (N, *spatial) per channel, layer norm the last
dims per sample, group norm (C/G channels, *spatial) per sample and group.

x reaches xhat along three paths (directly, through mu and through sigma^2); adding them
gives a closed form, with dxhat = dL/dy gamma:

    dL/dx = (1/M) inv_std (M dxhat - sum_A dxhat - xhat sum_A(dxhat xhat)),
    inv_std = 1/sqrt(sigma^2 + eps),
    dL/dgamma = sum of dL/dy xhat over the other axes,   dL/dbeta = sum of dL/dy

Each backward rule uses operators, array methods and ``xp`` functions only. With
``create_graph=True`` it recomputes mu and inv_std from x (saved as an input), so that
second derivatives see the statistics depend on x.
"""

from __future__ import annotations

import math
from typing import Any

from ..backend import get_array_module
from ..function import Op
from .shape import _index_backward


def _statistics(xp: Any, x: Any, axes: tuple[int, ...], eps: float) -> tuple[Any, ...]:
    """mu, x - mu, sigma^2 (biased) and inv_std = 1/sqrt(sigma^2 + eps) of x over ``axes``;
    the statistics keep those axes as size 1, so that they broadcast against x. Arrays or
    Tensors."""
    mean = x.mean(axis=axes, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=axes, keepdims=True)
    return mean, centred, var, 1.0 / xp.sqrt(var + eps)


def _standardize_backward(dxhat: Any, xhat: Any, inv_std: Any, axes: tuple[int, ...]) -> Any:
    """dL/dx from dL/dxhat, where xhat = (x - mu) inv_std over ``axes``:
    (1/M) inv_std (M dxhat - sum_A dxhat - xhat sum_A(dxhat xhat)), written with means."""
    mean_dxhat = dxhat.mean(axis=axes, keepdims=True)
    mean_dxhat_xhat = (dxhat * xhat).mean(axis=axes, keepdims=True)
    return (dxhat - mean_dxhat - xhat * mean_dxhat_xhat) * inv_std


def _sum_over(value: Any, axes: tuple[int, ...]) -> Any:
    """value summed over ``axes``; none at all for ``()`` (a Tensor's sum would take every axis,
    as PyTorch's does)."""
    return value.sum(axis=axes) if axes else value


def _recording(grad: Any) -> bool:
    """True when backward runs on Tensors (create_graph=True): statistics must be recomputed."""
    return hasattr(grad, "grad_fn")


def channel_shape(x: Any) -> tuple[int, ...]:
    """(1, C, 1, ...): the shape that broadcasts a per-channel vector over x (N, C, *)."""
    return (1, x.shape[1]) + (1,) * (x.ndim - 2)


def _update_running(buffer: Any, batch: Any, momentum: float) -> None:
    """buffer = (1 - momentum) buffer + momentum batch, in place in the buffer Tensor's array
    (its version counted, as any in-place update's: a graph that saved it will refuse)."""
    data = buffer._array
    data *= 1.0 - momentum
    data += momentum * batch
    buffer._version += 1


class BatchNorm(Op):
    """Batch normalisation of x (N, C, *) per channel C: A = (0, 2, 3, ...), M = N * prod(*).

    Training: mu and sigma^2 are the batch's (biased variance). The running statistics,
    ``running`` = (running_mean, running_var), Tensors or None, are not inputs of the graph:
    as in PyTorch's batch_norm, training updates them in place,
    running = (1 - momentum) running + momentum batch, with the unbiased batch variance
    sigma^2 M / (M - 1) for running_var. Evaluation: mu and sigma^2 are the running ones,
    constants, so dL/dx = dxhat inv_std.

    gamma is constant over A, so the sums of the closed form are gamma times those of
    dL/dy, which give dL/dbeta and dL/dgamma as well:
    dL/dx = gamma inv_std (dL/dy - mean_A dL/dy - xhat mean_A(dL/dy xhat)).
    """
    tensor_inputs = (0, 1, 2)
    backward_name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, running, training, momentum, eps):
        xp = get_array_module(x)
        axes = (0,) + tuple(range(2, x.ndim))
        shape = channel_shape(x)
        running_mean, running_var = running
        count = x.size // max(x.shape[1], 1)  # M, the values per channel
        if training:
            mean, centred, var, inv_std = _statistics(xp, x, axes, eps)
            if running_mean is not None:
                _update_running(running_mean, mean.reshape(-1), momentum)
            if running_var is not None:
                _update_running(running_var, var.reshape(-1) * (count / (count - 1)), momentum)
        else:
            # copies (astype), in x's dtype: a later training step updates the buffers in place
            mean = running_mean._array.reshape(shape).astype(x.dtype)
            inv_std = 1.0 / xp.sqrt(running_var._array.reshape(shape).astype(x.dtype) + eps)
            centred = x - mean
        # y = xhat gamma + beta, with gamma inv_std as one factor per channel: one pass less
        scale = inv_std if weight is None else inv_std * weight.reshape(shape)
        y = centred * scale
        if bias is not None:
            y += bias.reshape(shape)  # y is a new array: adding in place saves another
        ctx.training, ctx.axes, ctx.eps, ctx.count = training, axes, eps, count
        ctx.save_for_backward(x, weight, mean, inv_std)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, weight, mean, inv_std = ctx.saved_tensors
        axes = ctx.axes
        if ctx.training and _recording(grad):  # the statistics as functions of x
            mean, _, _, inv_std = _statistics(get_array_module(x), x, axes, ctx.eps)
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        statistics_path = need_x and ctx.training  # dL/dx through mu and sigma^2
        xhat = sum_g = sum_gx = None
        if need_w or statistics_path:
            xhat = (x - mean) * inv_std
            sum_gx = (grad * xhat).sum(axis=axes, keepdims=True)  # per channel: dL/dgamma
        if need_b or statistics_path:
            sum_g = grad.sum(axis=axes, keepdims=True)  # per channel: dL/dbeta
        grad_x = None
        if need_x:
            scale = inv_std if weight is None else inv_std * weight.reshape(channel_shape(x))
            if ctx.training:
                count = ctx.count
                grad_x = (grad - sum_g / count - xhat * (sum_gx / count)) * scale
            else:  # mu and sigma^2 are constants: only the direct path
                grad_x = grad * scale
        grad_w = sum_gx.reshape(-1) if need_w else None
        grad_b = sum_g.reshape(-1) if need_b else None
        return grad_x, grad_w, grad_b, None, None, None, None


class LayerNorm(Op):
    """Layer normalisation over the last ``ndims`` dims of x (one normalized_shape per sample):
    A = the last ndims axes; gamma and beta have the normalized shape."""
    tensor_inputs = (0, 1, 2)
    backward_name = "NativeLayerNormBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, ndims, eps):
        xp = get_array_module(x)
        axes = tuple(range(x.ndim - ndims, x.ndim))
        mean, centred, _, inv_std = _statistics(xp, x, axes, eps)
        y = centred * inv_std  # xhat, a new array: scaled and shifted in place
        if weight is not None:
            y *= weight
        if bias is not None:
            y += bias
        ctx.axes, ctx.eps = axes, eps
        ctx.save_for_backward(x, weight, mean, inv_std)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, weight, mean, inv_std = ctx.saved_tensors
        axes = ctx.axes
        if _recording(grad):
            mean, _, _, inv_std = _statistics(get_array_module(x), x, axes, ctx.eps)
        xhat = (x - mean) * inv_std
        batch_axes = tuple(range(x.ndim - len(axes)))  # gamma's gradient sums over these
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        grad_w = _sum_over(grad * xhat, batch_axes) if need_w else None
        grad_b = _sum_over(grad, batch_axes) if need_b else None
        grad_x = None
        if need_x:
            dxhat = grad if weight is None else grad * weight
            grad_x = _standardize_backward(dxhat, xhat, inv_std, axes)
        return grad_x, grad_w, grad_b, None, None


class GroupNorm(Op):
    """Group normalisation of x (N, C, *): the C channels in G groups of C/G, statistics per
    sample and group (x viewed as (N, G, M), A = axis 2, M = C/G prod(*)); gamma and beta
    per channel."""
    tensor_inputs = (0, 1, 2)
    backward_name = "NativeGroupNormBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, num_groups, eps):
        xp = get_array_module(x)
        count = x.shape[1] // num_groups * math.prod(x.shape[2:])  # M, the values per group
        grouped_shape = (x.shape[0], num_groups, count)
        grouped = x.reshape(grouped_shape)
        mean, centred, _, inv_std = _statistics(xp, grouped, (2,), eps)
        y = (centred * inv_std).reshape(x.shape)  # xhat, a new array: scaled and shifted in place
        shape = channel_shape(x)
        if weight is not None:
            y *= weight.reshape(shape)
        if bias is not None:
            y += bias.reshape(shape)
        ctx.grouped_shape, ctx.eps = grouped_shape, eps
        ctx.save_for_backward(x, weight, mean, inv_std)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, weight, mean, inv_std = ctx.saved_tensors
        grouped = x.reshape(ctx.grouped_shape)
        if _recording(grad):
            mean, _, _, inv_std = _statistics(get_array_module(x), grouped, (2,), ctx.eps)
        xhat_grouped = (grouped - mean) * inv_std
        xhat = xhat_grouped.reshape(x.shape)
        channel_axes = (0,) + tuple(range(2, x.ndim))  # gamma's gradient sums over these
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        grad_w = (grad * xhat).sum(axis=channel_axes) if need_w else None
        grad_b = grad.sum(axis=channel_axes) if need_b else None
        grad_x = None
        if need_x:
            dxhat = grad if weight is None else grad * weight.reshape(channel_shape(x))
            grad_x = _standardize_backward(dxhat.reshape(ctx.grouped_shape), xhat_grouped,
                                           inv_std, (2,)).reshape(x.shape)
        return grad_x, grad_w, grad_b, None, None


class Embedding(Op):
    """y[..., :] = W[i, :] for each index i of ``indices`` (any shape): a row lookup.

    dL/dW[k] = sum of dL/dy over the positions where i = k (repeated indices add up: a
    scatter-add), zero for ``padding_idx``; with ``scale_grad_by_freq`` each of those
    gradients is divided by how often k occurs in ``indices``.
    """
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, weight, indices, padding_idx, scale_grad_by_freq):
        ctx.weight_shape, ctx.dtype = weight.shape, weight.dtype
        ctx.indices, ctx.padding_idx, ctx.scale = indices, padding_idx, scale_grad_by_freq
        return weight[indices]

    @staticmethod
    def backward(ctx, grad):
        num_embeddings, dim = ctx.weight_shape
        flat = ctx.indices.reshape(-1)
        rows = grad.reshape((flat.size, dim))  # one gradient row per index
        if ctx.padding_idx is not None or ctx.scale:
            xp = get_array_module(flat)
            coefficient = xp.ones(flat.shape, dtype=ctx.dtype)
            if ctx.scale:
                counts = xp.bincount(flat, minlength=num_embeddings)
                coefficient = coefficient / counts[flat]
            if ctx.padding_idx is not None:
                coefficient = coefficient * (flat != ctx.padding_idx)
            rows = rows * coefficient.astype(ctx.dtype).reshape((flat.size, 1))
        grad_w = _index_backward(get_array_module(grad), rows, ctx.weight_shape, ctx.dtype, flat)
        return grad_w, None, None, None
