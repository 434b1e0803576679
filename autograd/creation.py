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
    """A new tensor holding a copy of ``data``, as ``torch.tensor``."""
    t = Tensor(as_array(data, dtype, device, copy=True))
    if requires_grad:
        t.requires_grad_(True)
    return t


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """``data`` as a tensor, sharing memory where it can."""
    if isinstance(data, Tensor) and dtype is None and device is None:
        return data
    return Tensor(as_array(data, dtype, device))


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with a numpy array (changes to one show in the other)."""
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
    """A tensor of the given size filled with 0 (the default float dtype unless ``dtype``)."""
    return _filled(_size_keyword(size, kwargs, "zeros"), 0, dtype, device, requires_grad)


def ones(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
          **kwargs: Any) -> Tensor:
    """A tensor of the given size filled with 1 (the default float dtype unless ``dtype``)."""
    return _filled(_size_keyword(size, kwargs, "ones"), 1, dtype, device, requires_grad)


def empty(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
          **kwargs: Any) -> Tensor:
    """A tensor of the given size; its values are unspecified in PyTorch (here: zeros)."""
    return _filled(_size_keyword(size, kwargs, "empty"), 0, dtype, device, requires_grad)


def full(size: Any, fill_value: Any, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor of ``size`` filled with ``fill_value`` (dtype from the value: bool, int64 or the
    default float)."""
    if dtype is None:
        dtype = (dtypes.bool_ if isinstance(fill_value, bool) else
                 dtypes.int64 if isinstance(fill_value, int) else None)
    return _filled(tuple(size) if isinstance(size, (tuple, list)) else (size,), fill_value,
                   dtype, device, requires_grad)


def zeros_like(input: Tensor, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """Zeros of ``input``'s shape, and its dtype and device unless given."""
    return _filled(input.shape, 0, dtype or input.dtype, device or input.device, requires_grad)


def ones_like(input: Tensor, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """Ones of ``input``'s shape, and its dtype and device unless given."""
    return _filled(input.shape, 1, dtype or input.dtype, device or input.device, requires_grad)


def empty_like(input: Tensor, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """A tensor of ``input``'s shape, dtype and device, values unspecified (here: zeros)."""
    return zeros_like(input, dtype, device, requires_grad)


def full_like(input: Tensor, fill_value: Any, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """``fill_value`` in ``input``'s shape, and its dtype and device unless given."""
    return _filled(input.shape, fill_value, dtype or input.dtype, device or input.device,
                   requires_grad)


def arange(start: Any, end: Any = None, step: Any = 1, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Values from start up to (not including) end; integers give int64, as in PyTorch."""
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
    """``steps`` evenly spaced values from ``start`` to ``end``, both included."""
    np_dtype = dtypes.default_float() if dtype is None else dtypes.to_numpy_dtype(dtype)
    t = Tensor(as_array(np.linspace(start, end, steps, dtype=np_dtype), device=device))
    if requires_grad:
        t.requires_grad_(True)
    return t


def eye(n: int, m: int | None = None, dtype: Any = None, device: Any = None,
        requires_grad: bool = False) -> Tensor:
    """The n x m identity matrix (m = n unless given): ones on the diagonal, zeros elsewhere."""
    np_dtype = dtypes.default_float() if dtype is None else dtypes.to_numpy_dtype(dtype)
    t = Tensor(as_array(np.eye(n, m, dtype=np_dtype), device=device))
    if requires_grad:
        t.requires_grad_(True)
    return t


# --- x.new_zeros(...) and the like: a new tensor with x's dtype and device ---------------------

def new_zeros(input: Tensor, *size: Any, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """Zeros of ``size``, with input's dtype and device unless given."""
    return _filled(size, 0, dtype or input.dtype, device or input.device, requires_grad)


def new_ones(input: Tensor, *size: Any, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """Ones of ``size``, with input's dtype and device unless given."""
    return _filled(size, 1, dtype or input.dtype, device or input.device, requires_grad)


def new_empty(input: Tensor, *size: Any, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """A tensor of ``size`` (zeros here), with input's dtype and device unless given."""
    return _filled(size, 0, dtype or input.dtype, device or input.device, requires_grad)


def new_full(input: Tensor, size: Any, fill_value: Any, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """``fill_value`` in every element of ``size``, with input's dtype and device unless given."""
    size = tuple(size) if isinstance(size, (tuple, list)) else (size,)
    return _filled(size, fill_value, dtype or input.dtype, device or input.device, requires_grad)


def new_tensor(input: Tensor, data: Any, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """``data`` as a new tensor (a copy), with input's dtype and device unless given."""
    if isinstance(data, Tensor):
        data = data._array
    t = Tensor(as_array(data, dtypes.to_numpy_dtype(dtype or input.dtype),
                        _device(device or input.device), copy=True))
    if requires_grad:
        t.requires_grad_(True)
    return t
