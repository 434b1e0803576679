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
    """The largest value; with ``dim``, the pair (values, indices) along that dimension.

    ``max(x)`` is a 0-d tensor. ``max(x, dim)`` returns a named pair ``.values``,
    ``.indices`` (``keepdim`` keeps the dimension as size 1); the gradient goes to the
    chosen element. ``max(x, y)`` with a Tensor ``y`` is :func:`maximum`.

    Raises:
        RuntimeError: the whole of an empty tensor is asked for (give a dim).

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
        >>> x.max()
        tensor(7.)
        >>> x.max(dim=1)
        (tensor([5., 7.]), tensor([1, 0]))
        >>> values, indices = x.max(dim=0)
        >>> indices
        tensor([1, 0, 1])
    """
    if isinstance(dim, Tensor):
        return maximum(input, dim)
    if dim is None:  # PyTorch's max() of all elements is its own node, MaxBackward1
        return _whole(amax(input), input, "MaxBackward1")
    return _values_indices(input, dim, keepdim, "argmax")


def min(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    """The smallest value; with ``dim``, the pair (values, indices) along it (see :func:`max`).

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
        >>> x.min()
        tensor(0.)
        >>> x.min(dim=1).indices
        tensor([0, 1])
    """
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
    """The index of the largest value along ``dim`` (int64, no gradient); of the flattened
    tensor when ``dim`` is None. The first one wins a tie.

    Examples:
        >>> import autograd as ag
        >>> scores = ag.tensor([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]])
        >>> scores.argmax(dim=1)
        tensor([1, 0])
        >>> scores.argmax()
        tensor(1)
    """
    return _arg_extreme(input, dim, keepdim, "argmax")


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """The index of the smallest value along ``dim`` (int64); of the flattened tensor when None.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([[3, 1], [0, 4]]).argmin(dim=1)
        tensor([1, 0])
    """
    return _arg_extreme(input, dim, keepdim, "argmin")


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
    """(values, indices) sorted along ``dim`` (the last by default), ascending unless
    ``descending``; the values carry the gradient back to where they came from.

    Examples:
        >>> import autograd as ag
        >>> ag.sort(ag.tensor([3.0, 1.0, 2.0]))
        (tensor([1., 2., 3.]), tensor([1, 2, 0]))
    """
    return _sorted(input, dim, descending, None)


def argsort(input: Tensor, dim: int = -1, descending: bool = False,
            stable: bool = False) -> Tensor:
    """The indices that sort ``input`` along ``dim`` (ascending unless ``descending``).

    Examples:
        >>> import autograd as ag
        >>> ag.argsort(ag.tensor([3.0, 1.0, 2.0]), descending=True)
        tensor([0, 2, 1])
    """
    return _sorted(input, dim, descending, None).indices


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True,
         sorted: bool = True) -> Any:  # noqa: A002
    """(values, indices) of the ``k`` largest entries along ``dim`` (smallest with
    ``largest=False``), in order, largest first.

    Raises:
        RuntimeError: k is larger than the dimension.

    Examples:
        >>> import autograd as ag
        >>> ag.topk(ag.tensor([1.0, 9.0, 3.0, 7.0]), k=2)
        (tensor([9., 7.]), tensor([1, 3]))
    """
    return _sorted(input, dim, largest, k)


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
           return_counts: bool = False, dim: int | None = None) -> Any:
    """The distinct values, sorted (no gradient); with ``return_inverse``/``return_counts``
    also the index of each element's value and how often each value occurs.

    Raises:
        NotImplementedError: ``dim`` is given (flatten first).

    Examples:
        >>> import autograd as ag
        >>> ag.unique(ag.tensor([3, 1, 3, 2, 1]), return_counts=True)
        (tensor([1, 2, 3]), tensor([2, 1, 2]))
    """
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
    """The lower median (the ((n - 1) // 2)-th smallest) of all elements, or with ``dim``
    (values, indices) along it; the gradient goes to the chosen element.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([[1.0, 4.0, 2.0, 3.0]])
        >>> x.median()
        tensor(2.)
        >>> x.median(dim=1)
        (tensor([2.]), tensor([2]))
    """
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
