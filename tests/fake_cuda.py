"""A strict stand-in for CuPy: numpy underneath, but its arrays refuse to become numpy arrays.

The GPU code paths of the library run on machines without a GPU by installing
this module as the 'cuda' array module, for one test at a time::

    with fake_cuda.installed():          # backend.set_cuda_module(fake_cuda, ...)
        x = ag.ones(3, device="cuda")    # x._array is a fake_cuda.ndarray

It behaves as CuPy does where the two array types meet, so every place that
would break on a real GPU breaks here too:

- ``np.asarray(gpu)``, ``np.array(gpu)`` and anything else that calls
  ``__array__`` raise CuPy's TypeError ("Implicit conversion to a NumPy array
  is not allowed ...").
- An operator or ufunc that mixes a GPU array with a numpy array raises
  TypeError ("Unsupported type <class 'numpy.ndarray'>"), whichever side the
  numpy array is on. Python numbers and numpy scalars mix fine, as in CuPy.
- ``gpu[...] = host_array`` (basic indexing) raises CuPy's ValueError
  ("non-scalar numpy.ndarray cannot be used for fill"). Index arrays may be
  lists or numpy arrays: CuPy copies those to the GPU itself.
- Every result is a GPU array, 0-d ones included: reductions and ``x[i]``
  give 0-d arrays, never numpy scalars. ``float()``, ``int()``, ``bool()``,
  ``.item()``, ``.tolist()`` and ``.get()`` copy to the host, as CuPy's do.
- numpy functions and ufuncs called on GPU arrays only (``np.exp(gpu)``,
  ``np.concatenate([gpu, gpu])``) dispatch here through ``__array_ufunc__``
  and ``__array_function__`` and give GPU arrays, as CuPy does.
- ``add.at`` (CuPy 13's ``ufunc.at``) takes only the dtypes CUDA's atomicAdd
  supports. CuPy 14 takes int64 too; the fake keeps 13's refusal, since
  ``gradschool[cuda]`` allows CuPy 13.
- ``gpu._array`` is a memory pointer, not an array, as in CuPy: reading a
  Tensor's array with ``getattr(x, "data", x)`` breaks on a raw GPU array.
- Integer index arrays wrap around out of bounds, as in CuPy (numpy raises).
- Every read of GPU data by the host (``float()``, ``.item()``, ``.get()``,
  ``asnumpy`` ...) counts in :data:`host_reads`: in CuPy each one waits for
  the GPU, so tests can assert that a training step makes none.
- Kernels run on the current device (``with cuda.Device(i):``): an array made
  on another GPU is an error in any computation (CuPy without peer access);
  results live on the current device. Views and copies stay where they are.

Only names that CuPy has are here, so a function CuPy lacks fails here too.
The number of fake GPUs is :data:`device_count` (``installed(devices=2)``).
"""

from __future__ import annotations

import builtins
import contextlib
import operator
import sys
import weakref
from collections.abc import Iterator
from typing import Any

import numpy as np

# --- devices ----------------------------------------------------------------------------------

device_count = 1  # what cuda.runtime.getDeviceCount() answers; tests may raise it
_current = [0]  # the stack of current devices; the last one is current


class CUDARuntimeError(RuntimeError):
    """What CuPy raises for a CUDA error such as an invalid device ordinal."""


class Device:
    """``cupy.cuda.Device(i)``: a GPU, and a context that makes it the current one."""

    def __init__(self, device: int | None = None):
        self.id = _current[-1] if device is None else int(device)

    def __enter__(self) -> Device:
        self._check()
        _current.append(self.id)
        return self

    def __exit__(self, *exc: object) -> None:
        _current.pop()

    def use(self) -> None:
        self._check()
        _current[-1] = self.id

    def _check(self) -> None:
        if not 0 <= self.id < device_count:
            raise CUDARuntimeError("cudaErrorInvalidDevice: invalid device ordinal")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Device) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"<CUDA Device {self.id}>"


class _Runtime:
    CUDARuntimeError = CUDARuntimeError

    @staticmethod
    def getDeviceCount() -> int:  # noqa: N802 - CuPy's name
        return device_count

    @staticmethod
    def getDevice() -> int:  # noqa: N802
        return _current[-1]


class _Cuda:
    """``cupy.cuda``: Device, runtime, and a no-op synchronize."""

    Device = Device
    runtime = _Runtime()

    @staticmethod
    def get_device_id() -> int:
        return _current[-1]

    class Stream:
        null = None

        @staticmethod
        def synchronize() -> None:
            return None


cuda = _Cuda()


# --- moving between numpy and the fake device -------------------------------------------------

def _implicit_conversion_error() -> TypeError:
    return TypeError(
        "Implicit conversion to a NumPy array is not allowed. Please use `.get()` to construct "
        "a NumPy array explicitly."
    )


def _unsupported(value: Any) -> TypeError:
    return TypeError(f"Unsupported type {type(value)}")


def _host(value: Any) -> Any:
    """The numpy data behind a function argument; a numpy array here is an error, as in CuPy.

    Lists and tuples are searched (``concatenate([a, b])``); Python numbers,
    numpy scalars, dtypes and shapes pass through.
    """
    if isinstance(value, ndarray):
        return value._a
    if isinstance(value, np.ndarray):
        raise _unsupported(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_host(v) for v in value)
    return value


def _host_index(key: Any) -> Any:
    """An index, GPU index arrays unwrapped; lists and numpy arrays may stay (CuPy copies them)."""
    if isinstance(key, ndarray):
        return key._a
    if isinstance(key, tuple):
        return tuple(_host_index(k) for k in key)
    return key


def _wrap_out_of_bounds(key: Any, shape: tuple[int, ...]) -> Any:
    """Integer index arrays taken modulo their dimension's size: CuPy wraps out-of-bounds
    indices around where numpy raises."""
    items = key if isinstance(key, tuple) else (key,)

    def dims(k: Any) -> int:
        return k.ndim if isinstance(k, np.ndarray) and k.dtype == np.bool_ else 1

    taken = builtins.sum(dims(k) for k in items if k is not None and k is not Ellipsis)
    wrapped, dim = [], 0
    for k in items:
        if k is Ellipsis:
            dim += len(shape) - taken
        elif k is not None:
            if isinstance(k, np.ndarray) and k.dtype.kind in "iu" and dim < len(shape) \
                    and shape[dim]:
                k = k % shape[dim]
            dim += dims(k)
        wrapped.append(k)
    return tuple(wrapped) if isinstance(key, tuple) else wrapped[0]


def _is_basic(key: Any) -> bool:
    items = key if isinstance(key, tuple) else (key,)
    return builtins.all(isinstance(k, (int, np.integer, slice)) or k is None or k is Ellipsis
                        for k in items)


def _kernel_device(*values: Any) -> int:
    """The device a kernel on ``values`` runs on: the current one, where they must all live.

    CuPy runs kernels on the current device; an array on another GPU is an
    error there (or, with peer access, a warning and a slow remote read).
    """
    current = _current[-1]
    for v in values:
        if isinstance(v, (list, tuple)):
            _kernel_device(*v)
        elif isinstance(v, ndarray) and v._device != current:
            raise ValueError(
                f"The device where the array resides ({v._device}) is different from the "
                f"current device ({current}). Peer access is unavailable between these devices."
            )
    return current


def _wrap(result: Any, device: int) -> Any:
    """numpy results as GPU arrays (numpy scalars become 0-d arrays, as CuPy gives)."""
    if isinstance(result, np.ndarray):
        return ndarray._of(result, device)
    if isinstance(result, np.generic):
        return ndarray._of(np.asarray(result), device)
    if isinstance(result, (list, tuple)):
        return type(result)(_wrap(r, device) for r in result)
    return result


# --- the array ----------------------------------------------------------------------------------

def _binary(op: Any, reflected: bool = False) -> Any:
    def method(self: ndarray, other: Any) -> Any:
        if isinstance(other, np.ndarray):
            raise _unsupported(other)
        device = _kernel_device(self, other)
        if isinstance(other, ndarray):
            other = other._a
        elif not isinstance(other, (int, float, complex, np.generic)):
            return NotImplemented  # e.g. a Tensor: its reflected operator runs, as with CuPy
        out = op(other, self._a) if reflected else op(self._a, other)
        return _wrap(out, device)

    return method


def _inplace(op: Any) -> Any:
    def method(self: ndarray, other: Any) -> Any:
        if isinstance(other, np.ndarray):
            raise _unsupported(other)
        _kernel_device(self, other)
        if isinstance(other, ndarray):
            other = other._a
        elif not isinstance(other, (int, float, complex, np.generic)):
            return NotImplemented
        op(self._a, other)  # numpy's in-place operator writes into self's memory
        return self

    return method


def _passthrough(name: str, view: bool = False) -> Any:
    """numpy's method ``name``; a ``view`` (no kernel) stays where self is, others need the
    current device."""
    def method(self: ndarray, *args: Any, **kwargs: Any) -> Any:
        device = self._device if view else _kernel_device(self, args, *kwargs.values())
        args, kwargs = _host(args), {k: _host(v) for k, v in kwargs.items()}
        return _wrap(getattr(self._a, name)(*args, **kwargs), device)

    method.__name__ = name
    return method


host_reads = 0  # how many times the host has read GPU data (each a wait for the GPU in CuPy)


class MemoryPointer:
    """What CuPy's ``ndarray._array`` is: an address, with none of an array's attributes."""

    __slots__ = ("ptr",)

    def __init__(self, array: ndarray):
        self.ptr = array._a.__array_interface__["data"][0]  # the first element's address

    def __repr__(self) -> str:
        return f"<MemoryPointer 0x{self.ptr:x}>"


# The GPU array that wraps each numpy array owning memory, so that ``.base`` is one object
_wrappers: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


class ndarray:  # noqa: N801 - CuPy's name
    """A GPU array: numpy data that will not turn into a numpy array by itself."""

    __slots__ = ("_a", "_device", "__weakref__")
    __array_priority__ = 100

    def __init__(self, shape: Any, dtype: Any = float):
        self._a = np.empty(shape, dtype=dtype)
        self._device = _current[-1]
        _wrappers[id(self._a)] = self

    @classmethod
    def _of(cls, array: np.ndarray, device: int) -> ndarray:
        out = object.__new__(cls)
        out._a = array
        out._device = device
        if array.base is None:  # an owner of memory: its views' .base is this object
            _wrappers[id(array)] = out
        return out

    # --- refusing implicit conversion, dispatching numpy calls ---------------------------------
    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        raise _implicit_conversion_error()

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        out = kwargs.get("out")
        device = _kernel_device(*inputs, *kwargs.values())
        result = getattr(ufunc, method)(*_host(inputs), **{k: _host(v) for k, v in kwargs.items()})
        if out is not None:
            return out[0] if isinstance(out, tuple) and len(out) == 1 else out
        return _wrap(result, device)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        ours = globals().get(func.__name__)
        if ours is None or not callable(ours):
            return NotImplemented  # numpy then raises TypeError: CuPy has no such function
        return ours(*args, **kwargs)

    # --- attributes ------------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self._a.shape

    @shape.setter
    def shape(self, value: Any) -> None:
        self._a.shape = value

    @property
    def dtype(self) -> np.dtype:
        return self._a.dtype

    @property
    def ndim(self) -> int:
        return self._a.ndim

    @property
    def size(self) -> int:
        return self._a.size

    @property
    def itemsize(self) -> int:
        return self._a.itemsize

    @property
    def nbytes(self) -> int:
        return self._a.nbytes

    @property
    def strides(self) -> tuple[int, ...]:
        return self._a.strides

    @property
    def flags(self) -> Any:
        return self._a.flags

    @property
    def base(self) -> ndarray | None:
        """The array that owns the memory, the same object each time, as CuPy's."""
        base = self._a.base
        if base is None:
            return None
        owner = _wrappers.get(id(base))
        return owner if owner is not None and owner._a is base else ndarray._of(base, self._device)

    @property
    def T(self) -> ndarray:  # noqa: N802
        return ndarray._of(self._a.T, self._device)

    @property
    def device(self) -> Device:
        return Device(self._device)

    @property
    def data(self) -> MemoryPointer:
        """CuPy's ``._array`` is the array's memory, not an array: code that reads a Tensor's
        array as ``getattr(x, "data", x)`` gets this pointer from a raw GPU array."""
        return MemoryPointer(self)

    # --- explicit copies to the host (CuPy synchronizes for these) -----------------------------
    def get(self, stream: Any = None) -> np.ndarray:
        return self._read().copy()

    def set(self, arr: np.ndarray) -> None:
        if arr.shape != self.shape:
            raise ValueError(f"Shape mismatch. Old shape: {self.shape}, new shape: {arr.shape}")
        self._a[...] = arr

    def item(self) -> Any:
        return self._read().item()

    def tolist(self) -> Any:
        return self._read().tolist()

    def __float__(self) -> float:
        return float(self._read())

    def __int__(self) -> int:
        return int(self._read())

    def __complex__(self) -> complex:
        return complex(self._read())

    def __index__(self) -> int:
        return operator.index(self._read())

    def __bool__(self) -> bool:
        return bool(self._read())

    def _read(self) -> np.ndarray:
        """The data, read by the host: on a GPU this waits for every queued kernel."""
        global host_reads
        host_reads += 1
        return self._a

    def __len__(self) -> int:
        return len(self._a)

    def __iter__(self):
        if self._a.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(len(self._a)))

    def __repr__(self) -> str:
        return repr(self._a)

    def __str__(self) -> str:
        return str(self._a)

    def __copy__(self) -> ndarray:
        return self.copy()

    def __deepcopy__(self, memo: dict) -> ndarray:
        return self.copy()

    def __reduce__(self) -> Any:
        raise TypeError("fake_cuda arrays are not picklable (the project does not pickle)")

    # --- indexing --------------------------------------------------------------------------------
    def __getitem__(self, key: Any) -> ndarray:
        # a basic index gives a view where self lives; an index array runs a kernel
        device = self._device if _is_basic(key) else _kernel_device(self, key)
        return _wrap(self._a[_wrap_out_of_bounds(_host_index(key), self.shape)], device)

    def __setitem__(self, key: Any, value: Any) -> None:
        if isinstance(value, np.ndarray) and value.ndim and _is_basic(key):
            raise ValueError("non-scalar numpy.ndarray cannot be used for fill")
        if isinstance(value, (list, tuple)):
            raise _unsupported(value)
        _kernel_device(self, key, value)
        index = _wrap_out_of_bounds(_host_index(key), self.shape)
        self._a[index] = value._a if isinstance(value, ndarray) else value

    # --- operators -------------------------------------------------------------------------
    __add__, __radd__ = _binary(operator.add), _binary(operator.add, True)
    __sub__, __rsub__ = _binary(operator.sub), _binary(operator.sub, True)
    __mul__, __rmul__ = _binary(operator.mul), _binary(operator.mul, True)
    __truediv__, __rtruediv__ = _binary(operator.truediv), _binary(operator.truediv, True)
    __floordiv__, __rfloordiv__ = _binary(operator.floordiv), _binary(operator.floordiv, True)
    __mod__, __rmod__ = _binary(operator.mod), _binary(operator.mod, True)
    __pow__, __rpow__ = _binary(operator.pow), _binary(operator.pow, True)
    __matmul__, __rmatmul__ = _binary(operator.matmul), _binary(operator.matmul, True)
    __and__, __rand__ = _binary(operator.and_), _binary(operator.and_, True)
    __or__, __ror__ = _binary(operator.or_), _binary(operator.or_, True)
    __xor__, __rxor__ = _binary(operator.xor), _binary(operator.xor, True)
    __eq__, __ne__ = _binary(operator.eq), _binary(operator.ne)
    __lt__, __le__ = _binary(operator.lt), _binary(operator.le)
    __gt__, __ge__ = _binary(operator.gt), _binary(operator.ge)
    __iadd__, __isub__ = _inplace(operator.iadd), _inplace(operator.isub)
    __imul__, __itruediv__ = _inplace(operator.imul), _inplace(operator.itruediv)
    __ipow__ = _inplace(operator.ipow)
    __hash__ = None  # type: ignore[assignment] - arrays are unhashable, as in numpy and CuPy

    def __neg__(self) -> ndarray:
        return ndarray._of(-self._a, self._device)

    def __pos__(self) -> ndarray:
        return ndarray._of(+self._a, self._device)

    def __abs__(self) -> ndarray:
        return ndarray._of(np.abs(self._a), self._device)

    def __invert__(self) -> ndarray:
        return ndarray._of(~self._a, self._device)


# numpy's methods, with GPU arrays in and out
for _name in ("sum", "mean", "prod", "max", "min", "argmax", "argmin", "all", "any", "var",
              "std", "cumsum", "clip", "fill", "dot", "nonzero", "round", "repeat", "take",
              "sort", "argsort", "conj", "trace", "flatten"):
    setattr(ndarray, _name, _passthrough(_name))
for _name in ("reshape", "transpose", "swapaxes", "squeeze", "ravel", "view", "diagonal",
              "astype", "copy"):  # views, and copies CuPy makes on the array's own device
    setattr(ndarray, _name, _passthrough(_name, view=True))


# --- module functions -------------------------------------------------------------------------

class ufunc:  # noqa: N801 - CuPy's name
    """A numpy ufunc over GPU arrays, with ``at`` as CuPy 13 has it."""

    def __init__(self, np_ufunc: Any):
        self._ufunc = np_ufunc
        self.__name__ = np_ufunc.__name__

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        nin = self._ufunc.nin
        if len(args) > nin:  # outputs passed positionally, as numpy and CuPy allow
            args, kwargs["out"] = args[:nin], args[nin:]
        out = kwargs.get("out")
        device = _kernel_device(*args, *kwargs.values())
        result = self._ufunc(*_host(args), **{k: _host(v) for k, v in kwargs.items()})
        if out is not None:
            return out[0] if isinstance(out, tuple) and len(out) == 1 else out
        return _wrap(result, device)

    def reduce(self, array: ndarray, axis: Any = 0, dtype: Any = None,
               keepdims: bool = False) -> Any:
        device = _kernel_device(array)
        return _wrap(self._ufunc.reduce(_host(array), axis=axis, dtype=dtype, keepdims=keepdims),
                     device)

    def at(self, a: ndarray, indices: Any, b: Any = None) -> None:
        if not isinstance(a, ndarray):
            raise _unsupported(a)
        if self._ufunc is np.add and a.dtype not in _ATOMIC_ADD_DTYPES:
            raise TypeError(
                "scatter_add only supports int32, float16, float32, float64, uint32, uint64, "
                "as data type"
            )
        _kernel_device(a, b)
        args = () if b is None else (_host(b),)
        self._ufunc.at(a._a, _host_index(indices), *args)


_ATOMIC_ADD_DTYPES = tuple(np.dtype(t) for t in (np.int32, np.float16, np.float32, np.float64,
                                                  np.uint32, np.uint64))


def _function(np_func: Any) -> Any:
    def func(*args: Any, **kwargs: Any) -> Any:
        device = _kernel_device(*args, *kwargs.values())
        result = np_func(*_host(args), **{k: _host(v) for k, v in kwargs.items()})
        return _wrap(result, device)

    func.__name__ = np_func.__name__
    return func


_UFUNCS = (
    "add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "power", "negative",
    "remainder", "mod", "absolute", "abs", "sign", "exp", "exp2", "expm1", "log", "log2", "log10",
    "log1p", "logaddexp", "sqrt", "square", "reciprocal", "sin", "cos", "tan", "arctan", "arctan2",
    "sinh", "cosh", "tanh", "maximum", "minimum", "fmax", "fmin", "equal", "not_equal", "less",
    "less_equal", "greater", "greater_equal", "logical_and", "logical_or", "logical_not",
    "logical_xor", "isfinite", "isinf", "isnan", "floor", "ceil", "trunc", "rint", "matmul",
    "bitwise_and", "bitwise_or", "bitwise_xor", "invert", "signbit", "copysign", "arcsin",
    "arccos",
)
_FUNCTIONS = (
    "zeros_like", "ones_like", "empty_like", "full_like", "where", "clip", "concatenate",
    "stack", "vstack", "hstack", "split", "array_split", "broadcast_to", "broadcast_arrays",
    "take_along_axis", "take", "transpose", "swapaxes", "moveaxis", "reshape", "ravel",
    "expand_dims", "squeeze", "dot", "vdot", "tensordot", "einsum", "outer", "inner", "sum", "prod",
    "mean", "var", "std", "max", "min", "amax", "amin", "argmax", "argmin", "all", "any",
    "cumsum", "sort", "argsort", "unique", "nonzero", "count_nonzero", "allclose", "isclose",
    "array_equal", "tril", "triu", "diag", "flip", "roll", "tile", "repeat", "pad", "shape",
    "ndim", "size", "round", "around", "atleast_1d", "atleast_2d", "result_type", "can_cast",
    "copyto", "put_along_axis", "copy", "bincount", "searchsorted", "nan_to_num",
)
for _name in _UFUNCS:
    globals()[_name] = ufunc(getattr(np, _name))
for _name in _FUNCTIONS:
    globals()[_name] = _function(getattr(np, _name))
del _name

# dtypes and constants are numpy's own, as in CuPy
from numpy import (  # noqa: E402,F401,I001
    bool_, e, float16, float32, float64, inf, int8, int16, int32, int64, intp, nan, newaxis, pi,
    uint8,
)


def _on_current_device(array: np.ndarray) -> ndarray:
    return ndarray._of(array, _current[-1])


def array(obj: Any, dtype: Any = None, copy: bool = True, ndmin: int = 0) -> ndarray:
    """A GPU array from host data (copied, as a transfer copies) or from a GPU array."""
    if isinstance(obj, ndarray):
        if not copy and obj._device == _current[-1] and (dtype is None or obj.dtype == dtype):
            return obj
        return _on_current_device(np.array(obj._a, dtype=dtype, copy=True, ndmin=ndmin))
    if isinstance(obj, (list, tuple)) and builtins.any(isinstance(v, ndarray) for v in obj):
        raise _implicit_conversion_error()  # CuPy converts nested sequences on the host
    return _on_current_device(np.array(obj, dtype=dtype, copy=True, ndmin=ndmin))


def asarray(a: Any, dtype: Any = None) -> ndarray:
    """``a`` on the current device; no copy when it is there already with that dtype."""
    return array(a, dtype=dtype, copy=False)


ascontiguousarray = asarray


def asnumpy(a: Any, stream: Any = None) -> np.ndarray:
    """A host copy of a GPU array (numpy data is returned as numpy)."""
    if isinstance(a, ndarray):
        return a._read().copy()
    return np.asarray(a)


def get_array_module(*args: Any) -> Any:
    return sys.modules[__name__] if builtins.any(isinstance(a, ndarray) for a in args) else np


def _creator(np_func: Any) -> Any:
    def func(*args: Any, **kwargs: Any) -> ndarray:
        return _on_current_device(np_func(*args, **kwargs))

    func.__name__ = np_func.__name__
    return func


zeros, ones, empty, full = (_creator(f) for f in (np.zeros, np.ones, np.empty, np.full))
arange, linspace, eye, identity = (_creator(f) for f in (np.arange, np.linspace, np.eye,
                                                         np.identity))


class _StrideTricks:
    """``cupy.lib.stride_tricks``: ``as_strided`` gives a view of a GPU array (strides in
    bytes, as numpy's and CuPy's)."""

    @staticmethod
    def as_strided(x: ndarray, shape: Any = None, strides: Any = None) -> ndarray:
        if not isinstance(x, ndarray):
            raise _unsupported(x)
        view = np.lib.stride_tricks.as_strided(x._a, shape=shape, strides=strides)
        return ndarray._of(view, x._device)


class _Lib:
    stride_tricks = _StrideTricks()


lib = _Lib()

class _Random:
    """``cupy.random``: numpy's generator, results on the current device."""

    def __init__(self) -> None:
        self._rng = np.random.default_rng(0)

    def seed(self, seed: int | None = None) -> None:
        self._rng = np.random.default_rng(seed)

    def rand(self, *size: int, dtype: Any = float) -> ndarray:
        return _on_current_device(self._rng.random(size).astype(dtype))

    def randn(self, *size: int, dtype: Any = float) -> ndarray:
        return _on_current_device(self._rng.standard_normal(size).astype(dtype))

    def random(self, size: Any = None, dtype: Any = float) -> ndarray:
        return _on_current_device(np.asarray(self._rng.random(size)).astype(dtype))

    def standard_normal(self, size: Any = None, dtype: Any = float) -> ndarray:
        return _on_current_device(np.asarray(self._rng.standard_normal(size)).astype(dtype))

    def normal(self, loc: float = 0.0, scale: float = 1.0, size: Any = None,
               dtype: Any = float) -> ndarray:
        return _on_current_device(np.asarray(self._rng.normal(loc, scale, size)).astype(dtype))

    def uniform(self, low: float = 0.0, high: float = 1.0, size: Any = None,
                dtype: Any = float) -> ndarray:
        return _on_current_device(np.asarray(self._rng.uniform(low, high, size)).astype(dtype))

    def randint(self, low: int, high: int | None = None, size: Any = None,
                dtype: Any = int) -> ndarray:
        return _on_current_device(np.asarray(self._rng.integers(low, high, size)).astype(dtype))

    def permutation(self, n: int) -> ndarray:
        return _on_current_device(self._rng.permutation(n))


random = _Random()


def reset() -> None:
    """Back to one device, device 0 current (tests call this between uses)."""
    global device_count
    device_count = 1
    _current[:] = [0]


@contextlib.contextmanager
def installed(devices: int = 1) -> Iterator[Any]:
    """Make this module the library's 'cuda' array module (with ``devices`` GPUs) for a while.

    Tests use it through a fixture::

        @pytest.fixture
        def gpu():
            with fake_cuda.installed():
                yield "cuda"
    """
    from autograd import backend

    global device_count
    reset()
    device_count = devices
    previous = backend.set_cuda_module(sys.modules[__name__], ndarray)
    try:
        yield sys.modules[__name__]
    finally:
        backend.set_cuda_module(*previous)
        reset()


dtype = np.dtype  # CuPy's too (defined last: functions above take a ``dtype`` argument)
