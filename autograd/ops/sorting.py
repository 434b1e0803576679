"""Order statistics: max and min with their indices, argmax, sort, topk, median, unique.

The values carry the gradient through one gather (``TakeAlongDim``): dL/dx is dL/dvalues
put back at the chosen indices. Indices and distinct values are int64 or plain tensors
without a gradient, as in PyTorch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..backend import get_array_module
from ..tensor import Tensor
from .reduction import Median, amax, amin, median_indices, normalize_dims
from .select import maximum, minimum
from .shape import Clone, TakeAlongDim, reshape, sort_indices, squeeze


class ValuesIndices(tuple):
    """(values, indices), with PyTorch's field names."""

    @property
    def values(self) -> Tensor:
        return self[0]

    @property
    def indices(self) -> Tensor:
        return self[1]


def max(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    """The largest value; with ``dim``, (values, indices) along it; with a Tensor, the
    element-wise maximum."""
    if isinstance(dim, Tensor):
        return maximum(input, dim)
    if dim is None:  # PyTorch's max() of all elements is its own node, MaxBackward1
        return _whole(amax(input), input, "MaxBackward1")
    return _values_indices(input, dim, keepdim, "argmax")


def min(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    """The smallest value; with ``dim``, (values, indices) along it; with a Tensor, the
    element-wise minimum."""
    if isinstance(dim, Tensor):
        return minimum(input, dim)
    if dim is None:
        return _whole(amin(input), input, "MinBackward1")
    return _values_indices(input, dim, keepdim, "argmin")


def _whole(out: Tensor, input: Tensor, name: str) -> Tensor:
    """``out``, its node (if any) under PyTorch's name for a reduction of all elements."""
    if out.grad_fn is not None and out is not input:
        out.grad_fn.backward_name = name
    return out


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """The index of the largest value (of the flattened tensor when ``dim`` is None)."""
    return _arg_extreme(input, dim, keepdim, "argmax")


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """The index of the smallest value (of the flattened tensor when ``dim`` is None)."""
    return _arg_extreme(input, dim, keepdim, "argmin")


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
    """(values, indices) sorted along ``dim``; values carry the gradient (a gather)."""
    return _sorted(input, dim, descending, None)


def argsort(input: Tensor, dim: int = -1, descending: bool = False,
            stable: bool = False) -> Tensor:
    """The indices that sort ``input`` along ``dim``."""
    return _sorted(input, dim, descending, None).indices


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True,
         sorted: bool = True) -> Any:  # noqa: A002
    """(values, indices) of the k largest (smallest) entries along ``dim``, largest first."""
    return _sorted(input, dim, largest, k)


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
           return_counts: bool = False, dim: int | None = None) -> Any:
    """The distinct values, sorted (no gradient), with inverse indices and counts if asked."""
    if dim is not None:
        raise NotImplementedError("unique(dim=...) is not supported; flatten first")
    xp = get_array_module(input._array)
    out = xp.unique(input._array, return_inverse=return_inverse, return_counts=return_counts)
    if not (return_inverse or return_counts):
        return Tensor(out)
    values, *rest = out
    if return_inverse:
        rest[0] = rest[0].reshape(input.shape).astype(np.int64)
    return (Tensor(values), *(Tensor(r.astype(np.int64)) for r in rest))


def median(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """Without ``dim``: the lower median of all elements (a 0-d tensor). With ``dim``:
    (values, indices) of the lower median along it; the gradient goes to the chosen element."""
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError("median() input tensor cannot be empty")
        flat = input._array.reshape(-1)
        index = median_indices(flat, 0).reshape(())
        return Median.apply(input, index)
    if input.ndim == 0:  # a scalar is its own median, at index 0
        normalize_dims(dim, 0)
        zero = get_array_module(input._array).zeros((), dtype=np.int64)
        return ValuesIndices((Clone.apply(input), Tensor(zero)))
    axis = normalize_dims(dim, input.ndim)[0]
    if input.shape[axis] == 0:
        raise IndexError(f"median(): Expected reduction dim {axis} to have non-zero size.")
    index = median_indices(input._array, axis)
    values = TakeAlongDim.apply(input, Tensor(index), axis)
    if not keepdim:
        values, index = squeeze(values, axis), index.squeeze(axis)
    return ValuesIndices((values, Tensor(index)))


def _arg_extreme(input: Tensor, dim: Any, keepdim: bool, name: str) -> Tensor:
    if dim is not None and input.ndim == 0:
        normalize_dims(dim, 0)  # a scalar takes dim 0 or -1, as in PyTorch
        dim = None
    if dim is None:
        out = getattr(input._array.reshape(-1), name)()
        out = get_array_module(input._array).asarray(out, dtype=np.int64)
        return Tensor(out.reshape((1,) * input.ndim) if keepdim else out)
    axis = normalize_dims(dim, input.ndim)[0]
    out = getattr(input._array, name)(axis=axis, keepdims=keepdim).astype(np.int64)
    return Tensor(out)


def _values_indices(input: Tensor, dim: int, keepdim: bool, name: str) -> ValuesIndices:
    if input.ndim == 0:  # a scalar is its own extreme, at index 0, as in PyTorch
        normalize_dims(dim, 0)
        zero = get_array_module(input._array).zeros((), dtype=np.int64)
        return ValuesIndices((Clone.apply(input), Tensor(zero)))
    axis = normalize_dims(dim, input.ndim)[0]
    idx = getattr(input._array, name)(axis=axis, keepdims=True).astype(np.int64)
    values = TakeAlongDim.apply(input, Tensor(idx), axis)
    if not keepdim:
        values = squeeze(values, axis)
        idx = idx.squeeze(axis)
    return ValuesIndices((values, Tensor(idx)))


def _sorted(input: Tensor, dim: int, descending: bool, k: int | None) -> ValuesIndices:
    """(values, indices) along ``dim`` in order, the first ``k`` only when k is given."""
    if input.ndim == 0:
        normalize_dims(dim, 0)
        if k is not None and k > 1:
            raise RuntimeError(f"selected index k out of range: k={k} for a 0-d tensor")
        out = _sorted(reshape(input, (1,)), 0, descending, k)
        return ValuesIndices((reshape(out[0], ()), Tensor(out[1]._array.reshape(()))))
    idx, axis = sort_indices(input, dim, descending)
    if k is not None:
        if not 0 <= k <= input.shape[axis]:
            raise RuntimeError(
                f"selected index k out of range: k={k} for dim {dim} of size "
                f"{input.shape[axis]} (shape {tuple(input.shape)})"
            )
        idx = idx[(slice(None),) * axis + (slice(0, k),)]
    index = Tensor(idx)
    return ValuesIndices((TakeAlongDim.apply(input, index, axis), index))
