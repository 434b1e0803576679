"""Comparisons, logical and bitwise operations, and tests of values: no gradient.

Their results are bool or integer tensors (or Python bools), which record no node of the
graph, so they are computed on the arrays directly, without an op class. The comparisons
``x == y``, ``x != y``, ``x < y``, ``x <= y``, ``x > y``, ``x >= y`` (and the methods
``x.eq(y)``, ``x.lt(y)``, ...) compare element-wise with broadcasting:

    >>> import autograd as ag
    >>> x = ag.tensor([1.0, 2.0, 3.0])
    >>> x > 1.5
    tensor([False,  True,  True])
    >>> (x == ag.tensor([1.0, 0.0, 3.0])) & (x < 3)
    tensor([ True, False, False])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..backend import get_array_module
from ..dtypes import promote_operands
from ..tensor import Tensor, unwrap
from .arithmetic import check_same_device, operand
from .reduction import normalize_dims, reduced_dims


def comparison(name: str) -> Any:
    """The Tensor method ``name`` (``__lt__``): the element-wise comparison, a bool tensor."""

    def method(self: Tensor, other: Any) -> Tensor:
        a, b = promote_operands(self._array, unwrap(operand(self, other)))
        return Tensor(getattr(a, name)(b))

    method.__name__ = method.__qualname__ = name
    symbol = _SYMBOLS[name]
    method.__doc__ = f"""``x {symbol} y``, element-wise (y broadcast against x): a bool tensor.

        Examples:
            >>> import autograd as ag
            >>> ag.tensor([1.0, 2.0, 3.0]) {symbol} 2
            {_EXAMPLE_RESULTS[name]}
        """
    return method


_SYMBOLS = {"__eq__": "==", "__ne__": "!=", "__lt__": "<", "__le__": "<=", "__gt__": ">",
            "__ge__": ">="}
_EXAMPLE_RESULTS = {"__eq__": "tensor([False,  True, False])",
                    "__ne__": "tensor([ True, False,  True])",
                    "__lt__": "tensor([ True, False, False])",
                    "__le__": "tensor([ True,  True, False])",
                    "__gt__": "tensor([False, False,  True])",
                    "__ge__": "tensor([False,  True,  True])"}

eq = comparison("__eq__")
ne = comparison("__ne__")
lt = comparison("__lt__")
le = comparison("__le__")
gt = comparison("__gt__")
ge = comparison("__ge__")


def bitwise_not(input: Tensor) -> Tensor:
    """``~x``: element-wise logical not of a bool tensor, bitwise not of an integer one.

    Raises:
        TypeError: the tensor is floating point.

    Examples:
        >>> import autograd as ag
        >>> ~ag.tensor([True, False])
        tensor([False,  True])
    """
    if input._array.dtype.kind not in "biu":
        raise TypeError("~ (bitwise not) is only defined for bool and integer tensors")
    return Tensor(~input._array)


def bitwise_and(input: Tensor, other: Any) -> Tensor:
    """``x & y``, element-wise (logical and for bool tensors).

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([True, True]) & ag.tensor([True, False])
        tensor([ True, False])
    """
    return Tensor(input._array & unwrap(other))


def bitwise_or(input: Tensor, other: Any) -> Tensor:
    """``x | y``, element-wise (logical or for bool tensors).

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([True, False]) | ag.tensor([False, False])
        tensor([ True, False])
    """
    return Tensor(input._array | unwrap(other))


def bitwise_xor(input: Tensor, other: Any) -> Tensor:
    """``x ^ y``, element-wise (exclusive or).

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([True, False]) ^ ag.tensor([True, True])
        tensor([False,  True])
    """
    return Tensor(input._array ^ unwrap(other))


def logical_not(input: Tensor) -> Tensor:
    """Element-wise ``not x``: a bool tensor, True where x is 0.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([0.0, 2.0]).logical_not()
        tensor([ True, False])
    """
    return Tensor(get_array_module(input._array).logical_not(input._array))


def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """True where every element over ``dim`` (all elements when None) is non-zero; a bool tensor.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([[True, False], [True, True]])
        >>> ag.all(x), x.all(dim=1)
        (tensor(False), tensor([False,  True]))
    """
    axes = normalize_dims(dim, input.ndim)
    return Tensor(input._array.astype(bool).all(axis=axes, keepdims=keepdim))


def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """True where some element over ``dim`` (all elements when None) is non-zero; a bool tensor.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([[0, 0], [0, 3]])
        >>> ag.any(x), x.any(dim=1)
        (tensor(True), tensor([False,  True]))
    """
    axes = normalize_dims(dim, input.ndim)
    return Tensor(input._array.astype(bool).any(axis=axes, keepdims=keepdim))


def isnan(input: Tensor) -> Tensor:
    """Element-wise: is the value NaN? A bool tensor.

    Examples:
        >>> import autograd as ag
        >>> ag.isnan(ag.tensor([1.0, float("nan")]))
        tensor([False,  True])
    """
    return Tensor(get_array_module(input._array).isnan(input._array))


def isfinite(input: Tensor) -> Tensor:
    """Element-wise: is the value neither infinite nor NaN? A bool tensor.

    Examples:
        >>> import autograd as ag
        >>> ag.isfinite(ag.tensor([1.0, float("inf"), float("nan")]))
        tensor([ True, False, False])
    """
    return Tensor(get_array_module(input._array).isfinite(input._array))


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """True if |input - other| <= atol + rtol |other| for every element (broadcasting).

    Returns a Python bool. With ``equal_nan=True`` two NaNs count as equal.

    Examples:
        >>> import autograd as ag
        >>> ag.allclose(ag.tensor([1.0, 2.0]), ag.tensor([1.0, 2.000001]))
        True
        >>> ag.allclose(ag.tensor([1.0]), ag.tensor([1.1]), atol=0.2)
        True
    """
    xp = get_array_module(input._array)
    return bool(xp.allclose(input._array, unwrap(operand(input, other)), rtol=rtol, atol=atol,
                            equal_nan=equal_nan))


def equal(input: Tensor, other: Tensor) -> bool:
    """True when both tensors have the same shape and exactly the same values (a Python bool).

    Raises:
        TypeError: ``other`` is not a Tensor.

    Examples:
        >>> import autograd as ag
        >>> ag.equal(ag.tensor([1, 2]), ag.tensor([1, 2]))
        True
        >>> ag.equal(ag.tensor([1]), ag.tensor([1, 1]))
        False
    """
    if not isinstance(other, Tensor):
        raise TypeError(f"equal(): argument 'other' must be Tensor, not {type(other).__name__}")
    check_same_device(input, other)
    return input.shape == other.shape and bool((input._array == other._array).all())


def count_nonzero(input: Tensor, dim: Any = None) -> Tensor:
    """How many elements over ``dim`` (all when None) are non-zero, as an int64 tensor.

    Examples:
        >>> import autograd as ag
        >>> ag.count_nonzero(ag.tensor([[0, 1], [2, 3]]), dim=0)
        tensor([1, 2])
    """
    axes = reduced_dims(dim, input.ndim)
    xp = get_array_module(input._array)
    return Tensor(xp.asarray((input._array != 0).sum(axis=axes), dtype=np.int64))


def is_tensor(obj: Any) -> bool:
    """True if ``obj`` is a Tensor.

    Examples:
        >>> import autograd as ag
        >>> ag.is_tensor(ag.zeros(1)), ag.is_tensor([0.0])
        (True, False)
    """
    return isinstance(obj, Tensor)
