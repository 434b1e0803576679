"""Reductions: sum, mean, amax/amin, logsumexp, softmax and log-softmax.

``dim`` is None (all dimensions), an int (negative counts from the end) or a
tuple of ints, as in PyTorch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..backend import get_array_module
from ..dtypes import default_float
from ..function import Op
from .unary import Abs, Sqrt


def normalize_dims(dim: Any, ndim: int) -> tuple[int, ...]:
    """``dim`` as a sorted tuple of non-negative axes, with PyTorch's error for bad ones."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    out = []
    for d in dims:
        if not isinstance(d, int):
            raise TypeError(f"dim must be an int or a tuple of ints, got {dim!r}")
        lo, hi = (-ndim, ndim - 1) if ndim else (-1, 0)
        if not lo <= d <= hi:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {d})"
            )
        if ndim:  # a 0-d tensor takes dim 0 or -1 but has no axis to reduce, as in PyTorch
            out.append(d % ndim)
    if len(set(out)) != len(out):
        raise RuntimeError(f"dim {dim} appears multiple times in the list of dims")
    return tuple(sorted(out))


def reduced_dims(dim: Any, ndim: int) -> tuple[int, ...]:
    """A reduction's axes: as normalize_dims, except that an empty ``dim`` (``()``, ``[]``)
    means every dim, as in PyTorch's sum, mean, amax, amin, var, std and norm (numpy
    would reduce none)."""
    if dim is not None and not isinstance(dim, int) and len(dim) == 0:
        dim = None
    return normalize_dims(dim, ndim)


def _kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _stable_shift(x: Any, axes: tuple[int, ...]) -> Any:
    """max of x over ``axes`` (kept as size 1), the shift that keeps e^{x - m} from
    overflowing; 0 where an axis is empty, since the max of nothing does not exist (and the
    sum of e^x over nothing, 0, needs no shift)."""
    if any(x.shape[a] == 0 for a in axes):
        return get_array_module(x).zeros(_kept_shape(x.shape, axes), dtype=x.dtype)
    return x.max(axis=axes, keepdims=True)


class Sum(Op):
    """y = sum_i x_i;  dy/dx_i = 1: the gradient is spread back over the summed axes."""
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.shape = x.shape
        ctx.kept = _kept_shape(x.shape, axes)
        if x.dtype.kind == "u":  # numpy sums uint8 to uint64; PyTorch sums integers to int64
            return x.sum(axis=axes, keepdims=keepdim, dtype="int64")
        return x.sum(axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        xp = get_array_module(grad)
        return xp.broadcast_to(grad.reshape(ctx.kept), ctx.shape), None, None


class SumDim(Sum):
    """``x.sum(dim)``: Sum, under PyTorch's name for a sum over given dims."""
    backward_name = "SumBackward1"


class Mean(Op):
    """y = (1/n) sum_i x_i;  dy/dx_i = 1/n."""
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        if x.dtype.kind != "f":
            raise RuntimeError(
                f"mean(): could not infer output dtype. Input dtype must be floating point, "
                f"got {x.dtype}"
            )
        ctx.shape = x.shape
        ctx.kept = _kept_shape(x.shape, axes)
        count = 1
        for a in axes:
            count *= x.shape[a]
        ctx.count = count
        if count == 0:  # the mean of nothing is 0/0 = nan, as in PyTorch (without numpy's warning)
            return x.sum(axis=axes, keepdims=keepdim) * float("nan")
        return x.mean(axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        xp = get_array_module(grad)
        grad = grad.reshape(ctx.kept)
        if ctx.count:  # with no elements, x (and so its gradient) is empty anyway
            grad = grad / ctx.count
        return xp.broadcast_to(grad, ctx.shape), None, None


class MeanDim(Mean):
    """``x.mean(dim)``: Mean, under PyTorch's name for a mean over given dims."""
    backward_name = "MeanBackward1"


def _extreme_forward(ctx: Any, x: Any, axes: tuple, keepdim: bool, reducer: str) -> Any:
    for a in axes:  # the max of nothing does not exist; an empty tensor reduced elsewhere is fine
        if x.shape[a] == 0:
            raise IndexError(f"a{reducer}(): Expected reduction dim {a} to have non-zero size.")
    kept = getattr(x, reducer)(axis=axes, keepdims=True)
    ctx.kept = kept.shape
    ctx.save_for_backward(x, kept)
    return kept if keepdim else kept.reshape([n for i, n in enumerate(x.shape) if i not in axes])


def _extreme_backward(ctx: Any, grad: Any) -> tuple:
    x, kept = ctx.saved_tensors
    mask = x == kept
    count = mask.sum(axis=tuple(i for i, n in enumerate(ctx.kept) if n == 1), keepdims=True)
    return grad.reshape(ctx.kept) * mask / count, None, None


class Amax(Op):
    """y = max_i x_i;  dy/dx_i = 1 at the maximum (split evenly between ties), else 0."""
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        return _extreme_forward(ctx, x, axes, keepdim, "max")

    backward = staticmethod(_extreme_backward)


class Amin(Op):
    """y = min_i x_i;  dy/dx_i = 1 at the minimum (split evenly between ties), else 0."""
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        return _extreme_forward(ctx, x, axes, keepdim, "min")

    backward = staticmethod(_extreme_backward)


class LogSumExp(Op):
    """y = log sum_i e^{x_i}, computed stably;  dy/dx_i = e^{x_i - y} (the softmax)."""
    tensor_inputs = (0,)
    backward_name = "LogsumexpBackward0"

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        if x.dtype.kind != "f":  # integers compute in the default float, as in PyTorch
            x = x.astype(default_float())
        xp = get_array_module(x)
        m = _stable_shift(x, axes)
        m = xp.where(xp.isfinite(m), m, 0)
        total = xp.exp(x - m).sum(axis=axes, keepdims=True)
        with np.errstate(divide="ignore"):  # log 0 = -inf: the log of a sum over nothing
            kept = xp.log(total) + m
        out = kept if keepdim else kept.reshape([n for i, n in enumerate(x.shape) if i not in axes])
        ctx.kept = kept.shape
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        xp = get_array_module(grad)
        return grad.reshape(ctx.kept) * xp.exp(x - out.reshape(ctx.kept)), None, None


class Softmax(Op):
    """y_i = e^{x_i} / sum_j e^{x_j} (each in (0, 1), summing to 1);  dL/dx = y (g - sum(g y))."""
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, dim):
        if x.dtype.kind != "f":  # integers compute in the default float, as in PyTorch
            x = x.astype(default_float())
        xp = get_array_module(x)
        if x.size == 0:  # nothing to normalise (and an empty dim has no max to shift by)
            y = x.copy()
        else:
            e = xp.exp(x - x.max(axis=dim, keepdims=True))
            y = e / e.sum(axis=dim, keepdims=True)
        ctx.dim = dim
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return y * (grad - (grad * y).sum(axis=ctx.dim, keepdims=True)), None


class LogSoftmax(Op):
    """y_i = x_i - log sum_j e^{x_j};  dL/dx = g - e^y sum(g)."""
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, dim):
        if x.dtype.kind != "f":  # integers compute in the default float, as in PyTorch
            x = x.astype(default_float())
        xp = get_array_module(x)
        if x.size == 0:  # nothing to normalise (and an empty dim has no max to shift by)
            y = x.copy()
        else:
            shifted = x - x.max(axis=dim, keepdims=True)
            y = shifted - xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))
        ctx.dim = dim
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        xp = get_array_module(grad)
        return grad - xp.exp(y) * grad.sum(axis=ctx.dim, keepdims=True), None


class Norm(Op):
    """y = sqrt(sum_i x_i^2);  dy/dx_i = x_i / y, and 0 where y = 0 (as PyTorch, not NaN)."""
    tensor_inputs = (0,)
    backward_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.kept = _kept_shape(x.shape, axes)
        y = get_array_module(x).sqrt((x * x).sum(axis=axes, keepdims=keepdim))
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        xp = get_array_module(grad)
        y = y.reshape(ctx.kept)
        return grad.reshape(ctx.kept) * x / xp.where(y == 0, 1, y), None, None


def norm2(input: Any, dim: Any = None, keepdim: bool = False) -> Any:
    """The Euclidean norm over ``dim`` (all elements when None)."""
    return _reduce(Norm, input, dim, keepdim)


def _reduce(op: type, input: Any, dim: Any, keepdim: bool) -> Any:
    return op.apply(input, reduced_dims(dim, input.ndim), bool(keepdim))


def sum(input: Any, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,  # noqa: A001
        axis: Any = None, keepdims: bool | None = None) -> Any:
    """s = sum_i x_i over ``dim`` (all elements when None); its gradient is 1 for every x_i.

    Args:
        dim: the dimension, or a tuple of them, to reduce (negative counts from the end);
            None reduces all elements to a 0-d tensor.
        keepdim: keep each reduced dimension as size 1, so the result broadcasts against
            ``input``.
        dtype: cast the input to this dtype first. numpy's ``axis``/``keepdims`` also work.

    Raises:
        IndexError: a dimension is out of range.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        >>> x.sum()
        tensor(21.)
        >>> x.sum(dim=0)
        tensor([5., 7., 9.])
        >>> x.sum(1, keepdim=True)
        tensor([[ 6.],
                [15.]])
    """
    if dtype is not None:
        input = input.to(dtype)
    dim = axis if dim is None else dim
    return _reduce(Sum if dim is None else SumDim, input, dim,
                   keepdim if keepdims is None else keepdims)


def mean(input: Any, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,
         axis: Any = None, keepdims: bool | None = None) -> Any:
    """m = (1/N) sum_i x_i over ``dim`` (all elements when None); its gradient is 1/N for each x_i.

    Args:
        dim: the dimension, or a tuple of them, to reduce (negative counts from the end);
            None reduces all elements to a 0-d tensor.
        keepdim: keep each reduced dimension as size 1, so the result broadcasts against
            ``input``.
        dtype: cast the input to this dtype first (an integer input needs a float dtype).

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([[1.0, 2.0], [3.0, 6.0]])
        >>> x.mean()
        tensor(3.)
        >>> x.mean(dim=1)
        tensor([1.5000, 4.5000])
    """
    if dtype is not None:
        input = input.to(dtype)
    dim = axis if dim is None else dim
    return _reduce(Mean if dim is None else MeanDim, input, dim,
                   keepdim if keepdims is None else keepdims)


def _check_whole_reduction(input: Any, dim: Any, name: str) -> None:
    """PyTorch's error for the max or min of all of an empty tensor (a dim given instead
    reduces only that one: empty elsewhere is fine, an empty dim is an IndexError)."""
    if (dim is None or (not isinstance(dim, int) and len(dim) == 0)) and input.numel() == 0:
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify "
            "the reduction dim with the 'dim' argument."
        )


def amax(input: Any, dim: Any = None, keepdim: bool = False) -> Any:
    """The largest value over ``dim`` (all elements when None); tied maxima share the gradient.

    Unlike :func:`max` with a dim, it returns the values only, and ``dim`` may be a tuple.

    Examples:
        >>> import autograd as ag
        >>> ag.amax(ag.tensor([[1.0, 5.0], [7.0, 2.0]]), dim=1)
        tensor([5., 7.])
    """
    _check_whole_reduction(input, dim, "amax")
    return _reduce(Amax, input, dim, keepdim)


def amin(input: Any, dim: Any = None, keepdim: bool = False) -> Any:
    """The smallest value over ``dim`` (all elements when None); tied minima share the gradient.

    Examples:
        >>> import autograd as ag
        >>> ag.amin(ag.tensor([[1.0, 5.0], [7.0, 2.0]]), dim=0)
        tensor([1., 2.])
    """
    _check_whole_reduction(input, dim, "amin")
    return _reduce(Amin, input, dim, keepdim)


def logsumexp(input: Any, dim: Any, keepdim: bool = False) -> Any:
    """ln(sum_i e^(x_i)) over ``dim``, computed without overflow; its gradient is softmax(x).

    Subtracting the maximum first keeps e^x finite: ln sum e^x = m + ln sum e^(x - m).

    Examples:
        >>> import autograd as ag
        >>> ag.logsumexp(ag.tensor([1000.0, 1000.0]), dim=0)
        tensor(1000.6932)
    """
    return _reduce(LogSumExp, input, dim, keepdim)


def _one_dim(dim: Any, ndim: int, name: str) -> int:
    if dim is None:
        raise TypeError(f"{name}() needs dim= (the axis that sums to 1), as in PyTorch")
    dims = normalize_dims(int(dim), ndim)
    return dims[0] if dims else None  # None: the whole of a 0-d tensor


def softmax(input: Any, dim: int) -> Any:
    """y_i = e^(x_i) / sum_j e^(x_j) along ``dim``: each slice is positive and sums to 1.

    Its derivative is dy_i/dx_j = y_i (delta_ij - y_j). Computed without overflow (the
    maximum is subtracted first). For a loss use :func:`log_softmax` (or cross-entropy),
    which is more accurate than ``softmax(x).log()``.

    Raises:
        TypeError: ``dim`` is missing (it says which axis sums to 1).

    Examples:
        >>> import autograd as ag
        >>> logits = ag.tensor([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
        >>> ag.softmax(logits, dim=1)
        tensor([[0.0900, 0.2447, 0.6652],
                [0.3333, 0.3333, 0.3333]])
    """
    return Softmax.apply(input, _one_dim(dim, input.ndim, "softmax"))


def log_softmax(input: Any, dim: int) -> Any:
    """y_i = x_i - ln sum_j e^(x_j) along ``dim``: the logarithm of :func:`softmax`, stably.

    Its derivative is dy_i/dx_j = delta_ij - softmax(x)_j. Large logits do not overflow.

    Raises:
        TypeError: ``dim`` is missing.

    Examples:
        >>> import autograd as ag
        >>> ag.log_softmax(ag.tensor([1.0, 2.0, 1000.0]), dim=0)
        tensor([-999., -998.,    0.])
    """
    return LogSoftmax.apply(input, _one_dim(dim, input.ndim, "log_softmax"))


def var(input: Any, dim: Any = None, *, correction: int = 1, keepdim: bool = False,
        unbiased: bool | None = None) -> Any:
    """The variance sum_i (x_i - mean)^2 / (N - correction) over ``dim`` (all elements when None).

    Args:
        dim: the dimension(s) to reduce; None: all.
        correction: 1 (Bessel's, the unbiased sample variance) by default; 0 divides by N.
        keepdim: keep reduced dimensions as size 1.
        unbiased: the older flag: True is correction=1, False correction=0.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0, 2.0, 3.0, 4.0])
        >>> x.var()
        tensor(1.6667)
        >>> x.var(correction=0)
        tensor(1.2500)
    """
    if unbiased is not None:
        correction = 1 if unbiased else 0
    axes = reduced_dims(dim, input.ndim)
    count = 1
    for a in axes:
        count *= input.shape[a]
    centered = input - mean(input, axes, keepdim=True)
    return sum(centered * centered, axes, keepdim) / max(count - correction, 0)


class Prod(Op):
    """y = prod_i x_i;  dy/dx_i = prod_{j != i} x_j.

    Not y / x_i, which is 0/0 at a zero. With P the product of the non-zero
    entries and z the sum of the zero ones (0 in value, but not in its
    derivative): no zero, P / x_i; one zero, P at the zero and P z / x_i
    elsewhere; two zeros, P (z - x_i) at the zeros and 0 elsewhere; more, 0.
    Each is prod_{j != i} x_j written so that its own derivative (for
    create_graph) is right too.
    """
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.kept = _kept_shape(x.shape, axes)
        ctx.axes = axes
        ctx.save_for_backward(x)
        if x.dtype.kind in "biu":  # PyTorch multiplies bool and integers into int64
            x = x.astype("int64")
        return x.prod(axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        xp = get_array_module(grad)
        zero = x == 0
        zeros = zero.sum(axis=ctx.axes, keepdims=True)
        safe = xp.where(zero, 1.0, x)
        others = xp.prod(safe, axis=ctx.axes, keepdims=True)  # P, the product of the non-zeros
        slope = others / safe
        # On the host, skip the zero cases where there are none; on a GPU (or when recording
        # a graph) compute them anyway, since looking would make the host wait for the GPU.
        if not isinstance(zeros, np.ndarray) or (zeros > 0).any():
            z = xp.where(zero, x, 0.0).sum(axis=ctx.axes, keepdims=True)
            one = xp.where(zero, others, slope * z)
            two = xp.where(zero, others * (z - x), 0.0)
            slope = xp.where(zeros == 0, slope, xp.where(zeros == 1, one,
                                                         xp.where(zeros == 2, two, 0.0)))
        return grad.reshape(ctx.kept) * slope, None, None


class ProdDim(Prod):
    """``x.prod(dim)``: Prod, under PyTorch's name for a product along a dim."""
    backward_name = "ProdBackward1"


class Cumsum(Op):
    """y_k = sum_{i <= k} x_i along dim;  dL/dx_i = sum_{k >= i} dL/dy_k (a reversed cumsum)."""
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        if x.dtype.kind in "bui":  # PyTorch sums integers into int64
            return x.cumsum(axis=dim, dtype="int64")
        return x.cumsum(axis=dim)

    @staticmethod
    def backward(ctx, grad):
        xp = get_array_module(grad)
        return xp.flip(xp.cumsum(xp.flip(grad, ctx.dim), ctx.dim), ctx.dim), None


def std(input: Any, dim: Any = None, *, correction: int = 1, keepdim: bool = False,
        unbiased: bool | None = None) -> Any:
    """The standard deviation: the square root of :func:`var`, with the same arguments.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([[1.0, 3.0], [2.0, 2.0]])
        >>> x.std()
        tensor(0.8165)
        >>> x.std(dim=1, correction=0)
        tensor([1., 0.])
    """
    return Sqrt.apply(var(input, dim, correction=correction, keepdim=keepdim, unbiased=unbiased))


def norm(input: Any, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Any:
    """The p-norm (sum_i |x_i|^p)^(1/p) over ``dim``: p = "fro" or 2 (Euclidean), 1, inf, ...

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([3.0, -4.0])
        >>> x.norm(), x.norm(p=1), x.norm(p=float("inf"))
        (tensor(5.), tensor(7.), tensor(4.))
    """
    if p == "fro" or p == 2:
        return norm2(input, dim, keepdim)
    if p == 1:
        return sum(Abs.apply(input), dim, keepdim)
    if p in (float("inf"), float("-inf")):
        return (amax if p > 0 else amin)(Abs.apply(input), dim, keepdim)
    return sum(Abs.apply(input) ** p, dim, keepdim) ** (1.0 / p)


def prod(input: Any, dim: int | None = None, keepdim: bool = False) -> Any:
    """The product prod_i x_i of all elements, or along one ``dim`` (an int).

    Its derivative for x_i is the product of the other elements (also right at zeros).

    Raises:
        TypeError: ``dim`` is not an int.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> x.prod(), x.prod(dim=1)
        (tensor(24.), tensor([ 2., 12.]))
    """
    if dim is not None and not isinstance(dim, int):
        raise TypeError(f"prod(): dim must be an int, got {dim!r}")
    return _reduce(Prod if dim is None else ProdDim, input, dim, keepdim)


def cumsum(input: Any, dim: int) -> Any:
    """Running sums along ``dim``: y_k = x_0 + x_1 + ... + x_k (integers sum into int64).

    Examples:
        >>> import autograd as ag
        >>> ag.cumsum(ag.tensor([1, 2, 3, 4]), dim=0)
        tensor([ 1,  3,  6, 10])
    """
    if input.ndim == 0:  # a scalar is its own running sum; dim must still be 0 or -1
        normalize_dims(dim, 0)
        return Cumsum.apply(input.reshape((1,)), 0).reshape(())
    return Cumsum.apply(input, normalize_dims(dim, input.ndim)[0])


def var_mean(input: Any, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False,
             *, correction: int | None = None) -> tuple:
    """(variance, mean) over ``dim``, as :func:`var` and :func:`mean` with the same arguments.

    The variance divides by N - correction (correction=1, Bessel's, by default;
    ``unbiased=False`` means 0).

    Raises:
        RuntimeError: both ``correction`` and ``unbiased`` are given.

    Examples:
        >>> import autograd as ag
        >>> ag.var_mean(ag.tensor([1.0, 2.0, 3.0, 4.0]))
        (tensor(1.6667), tensor(2.5000))
    """
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    if correction is None:
        correction = 0 if unbiased is False else 1
    elif unbiased is not None:
        raise RuntimeError("var_mean(): pass either correction= or unbiased, not both")
    return (var(input, dim, correction=correction, keepdim=keepdim),
            mean(input, dim, keepdim=keepdim))


class Median(Op):
    """m = the lower median of all elements (the ((n - 1) // 2)-th smallest; NaN if any is);
    dm/dx_i = 1 / k on the k elements equal to m, else 0, as PyTorch shares it among ties."""
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, index):
        xp = get_array_module(x)
        m = x.reshape(-1)[index]  # index: the chosen element, from median_indices
        ties = (x == m) | (xp.isnan(x) & xp.isnan(m))
        ctx.save_for_backward((ties / ties.sum()).astype(x.dtype))
        return m

    @staticmethod
    def backward(ctx, grad):
        (share,) = ctx.saved_tensors
        return grad * share, None


def median_indices(x: Any, axis: int) -> Any:
    """Per slice along ``axis`` (kept, size 1): the index of its lower median, or of its first
    NaN where it has one (the median is NaN then, as in PyTorch)."""
    xp = get_array_module(x)
    n = x.shape[axis]
    order = xp.argsort(x, axis=axis, kind="stable")  # NaNs sort last
    index = xp.take(order, xp.asarray([(n - 1) // 2]), axis=axis)
    if x.dtype.kind == "f":
        nan = xp.isnan(x)
        first_nan = xp.argmax(nan, axis=axis, keepdims=True)
        index = xp.where(nan.any(axis=axis, keepdims=True), first_nan, index)
    return index.astype(np.int64)
