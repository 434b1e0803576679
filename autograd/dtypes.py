"""Data types and PyTorch's type promotion, in one place.

``ag.float32`` and friends are :class:`DType` objects that print like PyTorch's
(``autograd.float32``) and wrap a numpy dtype. Arrays keep plain numpy dtypes;
a Tensor's ``.dtype`` maps back. The names: ``float16`` (``half``), ``float32``
(``float``), ``float64`` (``double``), ``int8``, ``int16`` (``short``), ``int32``
(``int``), ``int64`` (``long``), ``uint8``, ``bool``.

Promotion follows PyTorch, not numpy: a float32 tensor times a float64 0-dim
tensor stays float32, an int tensor times 2.5 gives the default float dtype,
int / int gives the default float dtype.

    >>> import autograd as ag
    >>> x = ag.tensor([1, 2])
    >>> x.dtype, (x * 2.5).dtype, (x / x).dtype
    (autograd.int64, autograd.float32, autograd.float32)
    >>> (ag.ones(2) * ag.tensor(2.0, dtype=ag.float64)).dtype
    autograd.float32
    >>> ag.zeros(2, dtype=ag.float64)
    tensor([0., 0.], dtype=autograd.float64)
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "DType",
    "float16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "bool_",
    "get_default_dtype",
    "set_default_dtype",
    "to_numpy_dtype",
    "from_numpy_dtype",
    "promote_operands",
    "scalar_like",
]


class DType:
    """A tensor element type (``ag.float32``, ``ag.int64``, ...).

    Its fields: ``is_floating_point``, ``is_signed``, ``itemsize`` (bytes per element).

    Examples:
        >>> import autograd as ag
        >>> ag.float64, ag.float64.itemsize, ag.int64.is_floating_point
        (autograd.float64, 8, False)
    """

    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize")

    def __init__(self, name: str, np_dtype: Any):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = self.np.kind == "f"
        self.is_signed = self.np.kind in "fi"
        self.itemsize = self.np.itemsize

    def __repr__(self) -> str:
        return f"autograd.{self.name}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DType):
            return self.np == other.np
        try:
            return self.np == np.dtype(other)  # ag.float32 == np.float32
        except TypeError:
            return False

    def __hash__(self) -> int:
        return hash(self.np)

    def __reduce__(self):
        return (_lookup, (self.name,))


float16 = DType("float16", np.float16)
float32 = DType("float32", np.float32)
float64 = DType("float64", np.float64)
int8 = DType("int8", np.int8)
int16 = DType("int16", np.int16)
int32 = DType("int32", np.int32)
int64 = DType("int64", np.int64)
uint8 = DType("uint8", np.uint8)
bool_ = DType("bool", np.bool_)

_ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, bool_)
_BY_NUMPY = {d.np: d for d in _ALL}
_BY_NAME = {d.name: d for d in _ALL}


def _lookup(name: str) -> DType:
    return _BY_NAME[name]


_default_float = np.dtype(np.float32)
_ndarray = np.ndarray


# Per float dtype, per number: a read-only 0-d array of that number (see scalar_like).
_SCALARS: dict[np.dtype, dict[float, np.ndarray]] = {}
# numpy's one float32 dtype object: hot paths test the usual dtype by identity, which
# costs less than reading dtype.kind or comparing dtypes
NUMPY_FLOAT32 = _float32 = np.dtype(np.float32)
_SCALARS[_float32] = _SCALARS_F32 = {}  # the usual dtype, found by identity: no dtype hashing


def scalar_like(value: float, like: Any) -> Any:
    """The number ``value`` as an operand for the float numpy array ``like``: a cached 0-d
    array of like's dtype. Anything else (a CuPy array, a Tensor under create_graph, an
    integer array) gets the number itself.

    Why: a ufunc resolves the type of a Python number on every call (NEP 50's weak
    scalars), which costs more than the whole operation on a small array; an array of the
    right dtype skips that and gives the same bits, as the number is converted to that
    dtype either way.
    """
    if type(like) is not _ndarray:
        return value
    dtype = like.dtype
    if dtype is _float32:
        table = _SCALARS_F32
    else:
        table = _SCALARS.get(dtype)
        if table is None:
            if dtype.kind != "f":
                return value  # an int array with 0.5 must promote, not truncate
            table = _SCALARS[dtype] = {}
    try:
        return table[value]  # a subscript: a third of the cost of table.get(value)
    except KeyError:
        pass
    if len(table) > 256:  # a schedule's ever-new learning rates
        table.clear()
    found = table[value] = np.array(value, dtype)
    found.flags.writeable = False
    return found


def get_default_dtype() -> DType:
    """The dtype of tensors made from Python floats (float32 unless changed).

    Examples:
        >>> import autograd as ag
        >>> ag.get_default_dtype()
        autograd.float32
    """
    return _BY_NUMPY[_default_float]


def set_default_dtype(dtype: Any) -> None:
    """Set the dtype of tensors made from Python floats and of ``zeros``, ``rand``, ...: float32
    or float64.

    Raises:
        TypeError: ``dtype`` is not a floating-point type.

    Examples:
        >>> import autograd as ag
        >>> ag.set_default_dtype(ag.float64)
        >>> ag.tensor([1.5]).dtype
        autograd.float64
        >>> ag.set_default_dtype(ag.float32)
    """
    global _default_float
    np_dtype = to_numpy_dtype(dtype)
    if np_dtype.kind != "f":
        raise TypeError(f"only floating-point types are supported as the default type, got {dtype}")
    _default_float = np_dtype


def default_float() -> np.dtype:
    return _default_float


def to_numpy_dtype(dtype: Any) -> np.dtype:
    """The numpy dtype for an ``ag`` dtype, a numpy dtype, or the Python float/int/bool."""
    if isinstance(dtype, DType):
        return dtype.np
    if dtype is float:
        return _default_float
    try:
        np_dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(
            f"unknown dtype {dtype!r}; use ag.float32, ag.float64, ag.int64, ag.bool, ..."
        ) from None
    if np_dtype not in _BY_NUMPY:
        raise TypeError(f"unsupported dtype {dtype!r}; supported: {', '.join(_BY_NAME)}")
    return np_dtype


def from_numpy_dtype(np_dtype: np.dtype) -> DType:
    try:
        return _BY_NUMPY[np_dtype]
    except KeyError:
        raise TypeError(f"unsupported array dtype {np_dtype}") from None


# --- promotion ---------------------------------------------------------------------------

def _category(np_dtype: np.dtype) -> int:
    kind = np_dtype.kind
    return 2 if kind == "f" else (0 if kind == "b" else 1)


def _promote(a: np.dtype, b: np.dtype) -> np.dtype:
    """PyTorch's promote_types: within a category as numpy, across categories the higher one."""
    ca, cb = _category(a), _category(b)
    if ca == cb:
        return np.promote_types(a, b)
    return a if ca > cb else b


def _scalar_dtype(value: Any) -> np.dtype:
    if isinstance(value, bool):
        return np.dtype(np.bool_)
    if isinstance(value, (int, np.integer)):
        return np.dtype(np.int64)
    return _default_float


def result_dtype(a_dtype: np.dtype | None, a_ndim: int, b_dtype: np.dtype | None, b_ndim: int,
                 a_scalar: Any = None, b_scalar: Any = None) -> np.dtype:
    """PyTorch's result type for two operands (dimensioned, zero-dim, or Python scalars)."""
    dim, zero, wrapped = None, None, None
    for dtype, ndim, scalar in ((a_dtype, a_ndim, a_scalar), (b_dtype, b_ndim, b_scalar)):
        if dtype is None:
            s = _scalar_dtype(scalar)
            wrapped = s if wrapped is None else _promote(wrapped, s)
        elif ndim > 0:
            dim = dtype if dim is None else _promote(dim, dtype)
        else:
            zero = dtype if zero is None else _promote(zero, dtype)
    return _combine(dim, _combine(zero, wrapped))


def _combine(higher: np.dtype | None, lower: np.dtype | None) -> np.dtype | None:
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.kind == "f":
        return higher
    if higher.kind == "b" or _category(lower) > _category(higher):
        return _promote(higher, lower)
    return higher


def promote_operands(a: Any, b: Any) -> tuple[Any, Any]:
    """Cast two op operands (arrays or Python scalars) to PyTorch's common dtype.

    The common cases, two arrays of one dtype or a float array with a Python
    number, return at once: numpy's own rules (NEP 50) agree with PyTorch there.
    """
    if type(a) is _ndarray:  # the fast path of every binary op on the CPU
        b_type = type(b)
        if b_type is _ndarray:
            if a.dtype is b.dtype:
                return a, b
        elif b_type is int or (b_type is float and a.dtype.kind == "f"):
            return a, b
    if isinstance(a, np.generic):
        a = a.item()  # a numpy scalar counts as a Python number, as in PyTorch
    if isinstance(b, np.generic):
        b = b.item()
    a_is_array, b_is_array = hasattr(a, "dtype"), hasattr(b, "dtype")
    if a_is_array and b_is_array:
        if a.dtype == b.dtype:
            return a, b
        target = result_dtype(a.dtype, a.ndim, b.dtype, b.ndim)
        return _cast(a, target), _cast(b, target)
    if a_is_array:
        if a.dtype.kind == "f" or not isinstance(b, float):
            return a, b
        return _cast(a, result_dtype(a.dtype, a.ndim, None, 0, b_scalar=b)), b
    if b_is_array:
        if b.dtype.kind == "f" or not isinstance(a, float):
            return a, b
        return a, _cast(b, result_dtype(None, 0, b.dtype, b.ndim, a_scalar=a))
    return a, b


def _cast(arr: Any, target: np.dtype) -> Any:
    return arr if arr.dtype == target else arr.astype(target)
