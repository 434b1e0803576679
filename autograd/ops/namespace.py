"""numpy's names over Tensors: the ``xp`` that backward rules get under ``create_graph=True``.

A backward rule written as ``grad * xp.cos(x)`` runs on arrays normally; in
a backward pass that records itself, ``grad`` and ``x`` are Tensors and
``get_array_module`` returns this module, so the rule builds a graph and
second derivatives come out of the same code.
"""

from __future__ import annotations

import sys
from typing import Any

from ..tensor import unwrap
from . import arithmetic as _A  # noqa: F401 - keeps the op modules loaded
from . import reduction as _R
from . import select as _S
from . import shape as _SH
from . import unary as _U
from .linalg import Einsum


def exp(x: Any) -> Any:
    return _U.Exp.apply(x)


def log(x: Any) -> Any:
    return _U.Log.apply(x)


def sqrt(x: Any) -> Any:
    return _U.Sqrt.apply(x)


def sin(x: Any) -> Any:
    return _U.Sin.apply(x)


def cos(x: Any) -> Any:
    return _U.Cos.apply(x)


def tanh(x: Any) -> Any:
    return _U.Tanh.apply(x)


def abs(x: Any) -> Any:  # noqa: A001
    return _U.Abs.apply(x)


def sign(x: Any) -> Any:
    return x.sign()


def where(cond: Any, a: Any, b: Any) -> Any:
    return _S.Where.apply(unwrap(cond), a, b)


def zeros_like(x: Any) -> Any:
    return x * 0


def ones_like(x: Any) -> Any:
    return x * 0 + 1


def broadcast_to(x: Any, shape: tuple) -> Any:
    return _SH.Expand.apply(x, tuple(shape))


def transpose(x: Any, axes: tuple) -> Any:
    return _SH.Permute.apply(x, tuple(axes))


def split(x: Any, bounds: list, axis: int) -> list:
    edges = [0, *bounds, x.shape[axis]]
    index = (slice(None),) * axis
    return [x[index + (slice(lo, hi),)] for lo, hi in zip(edges[:-1], edges[1:])]


def isfinite(x: Any) -> Any:
    return x.isfinite()


def sinh(x: Any) -> Any:
    return _U.Sinh.apply(x)


def cosh(x: Any) -> Any:
    return _U.Cosh.apply(x)


def flip(x: Any, axis: Any) -> Any:
    return _SH.Flip.apply(x, tuple(axis) if isinstance(axis, (tuple, list)) else (axis,))


def roll(x: Any, shift: Any, axis: Any) -> Any:
    return _SH.Roll.apply(x, shift, axis)


def cumsum(x: Any, axis: int) -> Any:
    return _R.Cumsum.apply(x, axis)


def prod(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    axes = tuple(range(x.ndim)) if axis is None else (
        tuple(axis) if isinstance(axis, (tuple, list)) else (axis,))
    return _R.Prod.apply(x, axes, keepdims)


def einsum(equation: str, *operands: Any) -> Any:
    return Einsum.apply(equation, *operands)


def tensor_namespace() -> Any:
    """This module: what ``get_array_module`` returns for a Tensor (``Tensor._array_namespace``)."""
    return sys.modules[__name__]


def concatenate(arrays: Any, axis: int = 0) -> Any:
    return _SH.cat(list(arrays), axis)
