"""Making tensors: ``ag.tensor``, ``zeros``, ``ones``, ``arange``, ``eye``, ``from_numpy``, ...

As in PyTorch, Python floats become the default dtype (float32), Python ints
int64, and a numpy array keeps its dtype.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import backend, dtypes
from .tensor import Tensor

__all__ = [
    "tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty", "arange",
    "linspace", "eye", "zeros_like", "ones_like", "full_like", "empty_like",
]


def _device(device: Any) -> backend.Device:
    return backend.get_default_device() if device is None else backend.Device(device)


def as_array(data: Any, dtype: Any = None, device: Any = None, copy: bool = False) -> Any:
    """``data`` (nested lists, numbers, arrays, Tensors) as a backend array."""
    dev = _device(device)
    np_dtype = None if dtype is None else dtypes.to_numpy_dtype(dtype)
    if isinstance(data, Tensor):
        data = data.data
    if hasattr(data, "__cuda_array_interface__") or backend.device_of(data).type == "cuda":
        if device is None:
            dev = backend.device_of(data)
        arr = backend.to_device(data, dev)
        if np_dtype is not None and arr.dtype != np_dtype:
            arr = arr.astype(np_dtype)
        return arr.copy() if copy and arr is data else arr
    if isinstance(data, (np.ndarray, np.generic)):
        arr = np.array(data, dtype=np_dtype, copy=copy or None)
        arr = np.asarray(arr)
    else:
        try:
            arr = np.array(data, dtype=np_dtype)
        except ValueError as exc:
            raise ValueError(
                f"could not make a tensor from this data: nested sequences must be rectangular "
                f"(all rows of one length) and hold numbers ({exc})"
            ) from None
        except TypeError as exc:
            raise TypeError(f"could not make a tensor from {type(data).__name__}: {exc}") from None
        if np_dtype is None and not _holds_typed_values(data):
            # Python numbers: floats take the default dtype, ints int64. (Lists of numpy
            # scalars, arrays or tensors keep their dtype, as in PyTorch.)
            if arr.dtype.kind == "f":
                arr = arr.astype(dtypes.default_float())
            elif arr.dtype.kind in "iu":
                arr = arr.astype(np.int64)
    if arr.dtype not in dtypes._BY_NUMPY:
        raise TypeError(
            f"can't make a tensor of numpy dtype {arr.dtype}; supported: "
            f"{', '.join(dtypes._BY_NAME)}"
        )
    return arr if dev.type == "cpu" else backend.asarray(arr, device=dev)


def _holds_typed_values(data: Any) -> bool:
    """True if nested lists hold a numpy scalar, array or Tensor (which keep their dtype)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, (np.generic, np.ndarray, Tensor)):
            return True
    return False


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A new tensor holding a copy of ``data``, as ``torch.tensor``."""
    t = Tensor._make(as_array(data, dtype, device, copy=True), None)
    if requires_grad:
        t.requires_grad_(True)
    return t


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """``data`` as a tensor, sharing memory where it can."""
    if isinstance(data, Tensor) and dtype is None and device is None:
        return data
    return Tensor._make(as_array(data, dtype, device), None)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with a numpy array (changes to one show in the other)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    return Tensor._make(as_array(array, device=backend.CPU), None)


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
    t = Tensor._make(backend.full(_shape(size), fill, np_dtype, _device(device)), None)
    if requires_grad:
        t.requires_grad_(True)
    return t


def zeros(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
          **kwargs: Any) -> Tensor:
    return _filled(_size_keyword(size, kwargs, "zeros"), 0, dtype, device, requires_grad)


def ones(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
          **kwargs: Any) -> Tensor:
    return _filled(_size_keyword(size, kwargs, "ones"), 1, dtype, device, requires_grad)


def empty(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
          **kwargs: Any) -> Tensor:
    return _filled(_size_keyword(size, kwargs, "empty"), 0, dtype, device, requires_grad)


def full(size: Any, fill_value: Any, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    if dtype is None:
        dtype = (dtypes.bool_ if isinstance(fill_value, bool) else
                 dtypes.int64 if isinstance(fill_value, int) else None)
    return _filled(tuple(size) if isinstance(size, (tuple, list)) else (size,), fill_value,
                   dtype, device, requires_grad)


def zeros_like(input: Tensor, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    return _filled(input.shape, 0, dtype or input.dtype, device or input.device, requires_grad)


def ones_like(input: Tensor, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    return _filled(input.shape, 1, dtype or input.dtype, device or input.device, requires_grad)


def empty_like(input: Tensor, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    return zeros_like(input, dtype, device, requires_grad)


def full_like(input: Tensor, fill_value: Any, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
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
    t = Tensor._make(as_array(np.arange(start, end, step, dtype=np_dtype), device=device), None)
    if requires_grad:
        t.requires_grad_(True)
    return t


def linspace(start: float, end: float, steps: int, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    np_dtype = dtypes.default_float() if dtype is None else dtypes.to_numpy_dtype(dtype)
    t = Tensor._make(as_array(np.linspace(start, end, steps, dtype=np_dtype), device=device), None)
    if requires_grad:
        t.requires_grad_(True)
    return t


def eye(n: int, m: int | None = None, dtype: Any = None, device: Any = None,
        requires_grad: bool = False) -> Tensor:
    np_dtype = dtypes.default_float() if dtype is None else dtypes.to_numpy_dtype(dtype)
    t = Tensor._make(as_array(np.eye(n, m, dtype=np_dtype), device=device), None)
    if requires_grad:
        t.requires_grad_(True)
    return t
