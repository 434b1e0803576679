"""PyTorch's legacy tensor types and type strings: ``ag.FloatTensor([1, 2])``,
``ag.LongTensor(2, 3)``, ``x.type()`` (``'torch.FloatTensor'``) and
``ag.set_default_tensor_type``, so that older tutorials run unchanged.

The type strings are PyTorch's own, ``'torch.FloatTensor'`` and
``'torch.cuda.FloatTensor'``, so code that compares ``x.type()`` with such a
string keeps working after its imports are switched to ``autograd``.

    >>> import autograd as ag
    >>> ag.FloatTensor([1, 2])
    tensor([1., 2.])
    >>> ag.LongTensor(2, 3).shape
    autograd.Size([2, 3])
    >>> isinstance(ag.tensor([1.0]), ag.FloatTensor)
    True
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from . import backend, dtypes
from .creation import tensor, zeros
from .size import Size
from .tensor import Tensor

__all__ = [
    "FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor",
    "CharTensor", "ByteTensor", "BoolTensor", "type_string", "convert_type",
    "set_default_tensor_type",
]


class _LegacyType(type):
    """The metaclass of ``FloatTensor`` and friends: calling one makes a tensor of its dtype,
    and ``isinstance(x, FloatTensor)`` asks whether x is a float32 tensor on the CPU."""

    dtype: dtypes.DType

    def __call__(cls, *args: Any, device: Any = None) -> Tensor:
        if not args:  # FloatTensor(): an empty tensor
            return zeros(0, dtype=cls.dtype, device=device)
        if all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
            return zeros(*args, dtype=cls.dtype, device=device)  # sizes: "uninitialised"
        if len(args) == 1 and isinstance(args[0], Size):
            return zeros(*args[0], dtype=cls.dtype, device=device)
        if len(args) > 1:
            raise TypeError(f"{cls.__name__}(): expected sizes (ints) or one sequence of data, "
                            f"got {len(args)} arguments")
        return tensor(args[0], dtype=cls.dtype, device=device)  # data: a list, an array, ...

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype and obj.device.type == "cpu"

    def __repr__(cls) -> str:
        return f"<class 'autograd.{cls.__name__}'>"


def _legacy(name: str, dtype: dtypes.DType) -> _LegacyType:
    doc = f"""``{name}(data)`` is ``ag.tensor(data, dtype={dtype})``; ``{name}(2, 3)`` a new
    2x3 tensor of {dtype} (zeros here; uninitialised in PyTorch). ``isinstance(t, {name})``
    is true for a CPU tensor of that dtype.

    Examples:
        >>> import autograd as ag
        >>> t = ag.{name}([1, 0])
        >>> t.dtype, isinstance(t, ag.{name}), tuple(ag.{name}(2, 3).shape)
        ({dtype}, True, (2, 3))
    """
    return _LegacyType(name, (), {"dtype": dtype, "__doc__": doc})


FloatTensor = _legacy("FloatTensor", dtypes.float32)
DoubleTensor = _legacy("DoubleTensor", dtypes.float64)
HalfTensor = _legacy("HalfTensor", dtypes.float16)
LongTensor = _legacy("LongTensor", dtypes.int64)
IntTensor = _legacy("IntTensor", dtypes.int32)
ShortTensor = _legacy("ShortTensor", dtypes.int16)
CharTensor = _legacy("CharTensor", dtypes.int8)
ByteTensor = _legacy("ByteTensor", dtypes.uint8)
BoolTensor = _legacy("BoolTensor", dtypes.bool_)

_TYPES = (FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor, CharTensor,
          ByteTensor, BoolTensor)
_BY_DTYPE = {t.dtype: t for t in _TYPES}
_BY_STRING = {}
for _t in _TYPES:
    for _prefix, _device in (("torch.", "cpu"), ("torch.cuda.", "cuda"),
                             ("autograd.", "cpu"), ("autograd.cuda.", "cuda")):
        _BY_STRING[_prefix + _t.__name__] = (_t.dtype, _device)


def type_string(t: Tensor) -> str:
    """PyTorch's name of the tensor's type: 'torch.FloatTensor', 'torch.cuda.LongTensor', ..."""
    cuda = ".cuda" if t.device.type == "cuda" else ""
    return f"torch{cuda}.{_BY_DTYPE[t.dtype].__name__}"


def _parse(kind: Any) -> tuple[dtypes.DType, str | None]:
    """(dtype, device type or None) for a type string, a legacy type or a dtype."""
    if isinstance(kind, str):
        try:
            return _BY_STRING[kind]
        except KeyError:
            raise ValueError(f"invalid type: {kind!r}; use e.g. 'torch.FloatTensor'") from None
    if isinstance(kind, _LegacyType):
        return kind.dtype, "cpu"
    return dtypes.from_numpy_dtype(dtypes.to_numpy_dtype(kind)), None


def tensor_type(input: Tensor, dtype: Any = None, non_blocking: bool = False) -> Any:
    """``x.type()`` is PyTorch's type string ('torch.FloatTensor'); ``x.type(t)`` converts
    to ``t`` (a dtype, a legacy type such as ag.DoubleTensor, or a type string).

    Raises:
        ValueError: an unknown type string.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([1.5, 2.5])
        >>> x.type()
        'torch.FloatTensor'
        >>> x.type(ag.LongTensor)
        tensor([1, 2])
        >>> x.type("torch.DoubleTensor").dtype
        autograd.float64
    """
    return type_string(input) if dtype is None else convert_type(input, dtype)


def convert_type(t: Tensor, kind: Any) -> Tensor:
    """``t.type(kind)``: t as another dtype (and device, for a 'torch.cuda.*' string)."""
    dtype, device = _parse(kind)
    out = t if device is None or t.device.type == device else t.to(device)
    return out if out.dtype == dtype else out.to(dtype)


def set_default_tensor_type(kind: Any) -> None:
    """Deprecated in PyTorch (use ``set_default_dtype`` and ``set_default_device``), and
    working as there: a floating type sets the default dtype, a 'torch.cuda.*' one the
    default device as well.

    Examples:
        >>> import warnings
        >>> import autograd as ag
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     ag.set_default_tensor_type(ag.DoubleTensor)
        >>> ag.tensor([1.5]).dtype
        autograd.float64
        >>> ag.set_default_dtype(ag.float32)  # back to the default
    """
    warnings.warn(
        "torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
        "torch.set_default_dtype() and torch.set_default_device() as alternatives.",
        UserWarning, stacklevel=2,
    )
    dtype, device = _parse(kind)
    if not dtype.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got "
                        f"{kind}")
    dtypes.set_default_dtype(dtype)
    if device is not None:
        backend.set_default_device(device)
