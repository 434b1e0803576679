"""Making tensors: ``ag.tensor``, ``zeros``, ``ones``, ``arange``, ``eye``, ``from_numpy``, ...

As in PyTorch, Python floats become the default dtype (float32), Python ints
int64, and a numpy array keeps its dtype.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import backend, dtypes
from .backend import as_array
from .tensor import Tensor

__all__ = [
    "tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty", "arange",
    "linspace", "eye", "zeros_like", "ones_like", "full_like", "empty_like",
    "new_zeros", "new_ones", "new_empty", "new_full", "new_tensor",
]


def _device(device: Any) -> backend.Device:
    return backend.get_default_device() if device is None else backend.Device(device)


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A new tensor holding a copy of ``data`` (a number, nested lists, a numpy array or a Tensor).

    Python floats become the default float dtype (float32), Python ints int64, bools bool;
    a numpy array keeps its dtype. The copy shares no memory with ``data``.

    Args:
        data: the values; nested lists must be rectangular.
        dtype: the element type (``ag.float64``, ``ag.int64``, ...); inferred when None.
        requires_grad: record the operations on it, so that ``backward()`` fills ``.grad``
            (floating-point dtypes only: an integer tensor raises RuntimeError).
        device: ``"cpu"`` or ``"cuda"``; the default device when None.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([[1.0, 2.0], [3.0, 4.0]])
        tensor([[1., 2.],
                [3., 4.]])
        >>> ag.tensor([1, 2, 3]).dtype
        autograd.int64
        >>> ag.tensor(2.5, requires_grad=True)
        tensor(2.5000, requires_grad=True)
    """
    t = Tensor(as_array(data, dtype, device, copy=True))
    if requires_grad:
        t.requires_grad_(True)
    return t


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """``data`` as a tensor, sharing memory with it where it can (a Tensor or numpy array of the
    right dtype and device is not copied).

    Examples:
        >>> import autograd as ag
        >>> import numpy as np
        >>> a = np.array([1.0, 2.0])
        >>> t = ag.as_tensor(a)
        >>> a[0] = 5.0
        >>> t
        tensor([5., 2.], dtype=autograd.float64)
    """
    if isinstance(data, Tensor) and dtype is None and device is None:
        return data
    return Tensor(as_array(data, dtype, device))


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with a numpy array: a change to one shows in the other.

    Raises:
        TypeError: ``array`` is not a numpy array.

    Examples:
        >>> import autograd as ag
        >>> import numpy as np
        >>> a = np.array([1.0, 2.0, 3.0])
        >>> t = ag.from_numpy(a)
        >>> t[0] = -1.0
        >>> a
        array([-1.,  2.,  3.])
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    return Tensor(as_array(array, device=backend.CPU))


def _shape(size: tuple) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for n in size:
        if not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"sizes must be non-negative integers, got {size}")
    return tuple(int(n) for n in size)


def _size_keyword(size: tuple, kwargs: dict, name: str) -> tuple:
    """``size`` given positionally or as ``size=`` (PyTorch takes both)."""
    if set(kwargs) - {"size"}:
        unexpected = sorted(set(kwargs) - {"size"})
        raise TypeError(f"{name}() got unexpected keyword arguments {unexpected}")
    if "size" in kwargs:
        if size:
            raise TypeError(f"{name}() got sizes both positionally and as size=")
        return (kwargs["size"],)
    return size


def _filled(size: tuple, fill: Any, dtype: Any, device: Any, requires_grad: bool) -> Tensor:
    np_dtype = dtypes.default_float() if dtype is None else dtypes.to_numpy_dtype(dtype)
    t = Tensor(backend.full(_shape(size), fill, np_dtype, _device(device)))
    if requires_grad:
        t.requires_grad_(True)
    return t


def zeros(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
          **kwargs: Any) -> Tensor:
    """A tensor of the given size filled with 0.

    The size is given as integers or one tuple: ``zeros(2, 3)`` or ``zeros((2, 3))``.
    The dtype is the default float (float32) unless ``dtype`` is given.

    Raises:
        ValueError: a size is negative or not an integer.

    Examples:
        >>> import autograd as ag
        >>> ag.zeros(2, 3)
        tensor([[0., 0., 0.],
                [0., 0., 0.]])
        >>> ag.zeros((2,), dtype=ag.int64)
        tensor([0, 0])
    """
    return _filled(_size_keyword(size, kwargs, "zeros"), 0, dtype, device, requires_grad)


def ones(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
          **kwargs: Any) -> Tensor:
    """A tensor of the given size filled with 1 (``ones(2, 3)`` or ``ones((2, 3))``).

    The dtype is the default float (float32) unless ``dtype`` is given.

    Raises:
        ValueError: a size is negative or not an integer.

    Examples:
        >>> import autograd as ag
        >>> ag.ones(2, 2)
        tensor([[1., 1.],
                [1., 1.]])
        >>> ag.ones(3, requires_grad=True)
        tensor([1., 1., 1.], requires_grad=True)
    """
    return _filled(_size_keyword(size, kwargs, "ones"), 1, dtype, device, requires_grad)


def empty(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
          **kwargs: Any) -> Tensor:
    """A tensor of the given size whose values are not to be relied on (here they are zeros).

    Use it for a buffer that is filled afterwards; the size is given as for :func:`zeros`.

    Examples:
        >>> import autograd as ag
        >>> ag.empty(2, 3).shape
        autograd.Size([2, 3])
    """
    return _filled(_size_keyword(size, kwargs, "empty"), 0, dtype, device, requires_grad)


def full(size: Any, fill_value: Any, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor of ``size`` with ``fill_value`` in every element.

    The dtype follows the value unless ``dtype`` is given: bool for a bool, int64 for an
    int, the default float (float32) for a float.

    Examples:
        >>> import autograd as ag
        >>> ag.full((2, 3), 0.5)
        tensor([[0.5000, 0.5000, 0.5000],
                [0.5000, 0.5000, 0.5000]])
        >>> ag.full((3,), 7)
        tensor([7, 7, 7])
    """
    if dtype is None:
        dtype = (dtypes.bool_ if isinstance(fill_value, bool) else
                 dtypes.int64 if isinstance(fill_value, int) else None)
    return _filled(tuple(size) if isinstance(size, (tuple, list)) else (size,), fill_value,
                   dtype, device, requires_grad)


def zeros_like(input: Tensor, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """Zeros in ``input``'s shape, with its dtype and device unless ``dtype``/``device`` are given.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([[1, 2], [3, 4]])
        >>> ag.zeros_like(x)
        tensor([[0, 0],
                [0, 0]])
        >>> ag.zeros_like(x, dtype=ag.float32)
        tensor([[0., 0.],
                [0., 0.]])
    """
    return _filled(input.shape, 0, dtype or input.dtype, device or input.device, requires_grad)


def ones_like(input: Tensor, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """Ones in ``input``'s shape, with its dtype and device unless ``dtype``/``device`` are given.

    Examples:
        >>> import autograd as ag
        >>> ag.ones_like(ag.tensor([0.5, 1.5, 2.5]))
        tensor([1., 1., 1.])
    """
    return _filled(input.shape, 1, dtype or input.dtype, device or input.device, requires_grad)


def empty_like(input: Tensor, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """A tensor in ``input``'s shape, dtype and device whose values are not to be relied on
    (here: zeros).

    Examples:
        >>> import autograd as ag
        >>> ag.empty_like(ag.tensor([[1.0, 2.0]])).shape
        autograd.Size([1, 2])
    """
    return zeros_like(input, dtype, device, requires_grad)


def full_like(input: Tensor, fill_value: Any, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """``fill_value`` in ``input``'s shape, with its dtype and device unless given.

    Examples:
        >>> import autograd as ag
        >>> ag.full_like(ag.tensor([1.0, 2.0, 3.0]), 9)
        tensor([9., 9., 9.])
    """
    return _filled(input.shape, fill_value, dtype or input.dtype, device or input.device,
                   requires_grad)


def arange(start: Any, end: Any = None, step: Any = 1, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """The values start, start + step, ... up to (not including) ``end``, as a 1-D tensor.

    ``arange(n)`` is 0, 1, ..., n - 1. All-integer arguments give int64; any float gives the
    default float dtype (float32). With a float step the count is ceil((end - start) / step),
    so rounding may add or drop the last value: :func:`linspace` is safer for floats.

    Examples:
        >>> import autograd as ag
        >>> ag.arange(5)
        tensor([0, 1, 2, 3, 4])
        >>> ag.arange(1, 10, 3)
        tensor([1, 4, 7])
        >>> ag.arange(0.0, 1.0, 0.25)
        tensor([0.0000, 0.2500, 0.5000, 0.7500])
    """
    if end is None:
        start, end = 0, start
    if dtype is None:
        is_int = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = dtypes.int64 if is_int else None
    np_dtype = dtypes.default_float() if dtype is None else dtypes.to_numpy_dtype(dtype)
    t = Tensor(as_array(np.arange(start, end, step, dtype=np_dtype), device=device))
    if requires_grad:
        t.requires_grad_(True)
    return t


def linspace(start: float, end: float, steps: int, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end``, both included, as a 1-D tensor.

    The spacing is (end - start) / (steps - 1); the dtype is the default float unless given.

    Examples:
        >>> import autograd as ag
        >>> ag.linspace(0, 1, 5)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
        >>> ag.linspace(-1, 1, steps=3)
        tensor([-1.,  0.,  1.])
    """
    np_dtype = dtypes.default_float() if dtype is None else dtypes.to_numpy_dtype(dtype)
    t = Tensor(as_array(np.linspace(start, end, steps, dtype=np_dtype), device=device))
    if requires_grad:
        t.requires_grad_(True)
    return t


def eye(n: int, m: int | None = None, dtype: Any = None, device: Any = None,
        requires_grad: bool = False) -> Tensor:
    """The n x m identity matrix: ones on the diagonal, zeros elsewhere (m = n unless given).

    Examples:
        >>> import autograd as ag
        >>> ag.eye(3)
        tensor([[1., 0., 0.],
                [0., 1., 0.],
                [0., 0., 1.]])
        >>> ag.eye(2, 3)
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    np_dtype = dtypes.default_float() if dtype is None else dtypes.to_numpy_dtype(dtype)
    t = Tensor(as_array(np.eye(n, m, dtype=np_dtype), device=device))
    if requires_grad:
        t.requires_grad_(True)
    return t


# --- x.new_zeros(...) and the like: a new tensor with x's dtype and device ---------------------

def new_zeros(input: Tensor, *size: Any, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """Zeros of ``size``, with ``input``'s dtype and device unless given (``x.new_zeros(2, 3)``).

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([1, 2, 3])
        >>> x.new_zeros(2, 2)
        tensor([[0, 0],
                [0, 0]])
    """
    return _filled(size, 0, dtype or input.dtype, device or input.device, requires_grad)


def new_ones(input: Tensor, *size: Any, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """Ones of ``size``, with ``input``'s dtype and device unless given (``x.new_ones(3)``).

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([1.0], dtype=ag.float64).new_ones(2)
        tensor([1., 1.], dtype=autograd.float64)
    """
    return _filled(size, 1, dtype or input.dtype, device or input.device, requires_grad)


def new_empty(input: Tensor, *size: Any, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """A tensor of ``size`` whose values are not to be relied on (here: zeros), with ``input``'s
    dtype and device unless given.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([1.0]).new_empty(2, 3).shape
        autograd.Size([2, 3])
    """
    return _filled(size, 0, dtype or input.dtype, device or input.device, requires_grad)


def new_full(input: Tensor, size: Any, fill_value: Any, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """``fill_value`` in every element of ``size``, with ``input``'s dtype and device unless given.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([1.0, 2.0]).new_full((2,), 3.5)
        tensor([3.5000, 3.5000])
    """
    size = tuple(size) if isinstance(size, (tuple, list)) else (size,)
    return _filled(size, fill_value, dtype or input.dtype, device or input.device, requires_grad)


def new_tensor(input: Tensor, data: Any, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """``data`` as a new tensor (a copy), with ``input``'s dtype and device unless given.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0], dtype=ag.float64)
        >>> x.new_tensor([1, 2])
        tensor([1., 2.], dtype=autograd.float64)
    """
    if isinstance(data, Tensor):
        data = data._array
    t = Tensor(as_array(data, dtypes.to_numpy_dtype(dtype or input.dtype),
                        _device(device or input.device), copy=True))
    if requires_grad:
        t.requires_grad_(True)
    return t
