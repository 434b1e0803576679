"""In-place updates: ``x[i] = v``, ``add_``, ``zero_``, ``copy_``, ``relu_``, ... as in PyTorch.

On data that needs no gradient (under ``no_grad``, or tensors that do not
require grad) they write into the array. A leaf that requires grad refuses,
as in PyTorch. A non-leaf that requires grad gets the out-of-place result
and takes its place in the graph: the values saved for backward are never
overwritten, so gradients stay right.

Two differences from PyTorch, both on tensors that require grad: a recorded
in-place update of a *view* (``v = x[0:2]; v += 1`` where ``x`` is not a leaf)
does not write through to ``x`` as PyTorch does (update ``x`` itself:
``x[0:2] += 1`` works); and updating a tensor that an op saved for backward
(``c = b * b; b += 1``) keeps the right gradient where PyTorch raises
"modified by an inplace operation".

Writes into an array (under ``no_grad``, and optimizer steps) count a version
of the tensor; backward refuses to use a saved leaf (a parameter, the data)
whose version moved on since forward, with PyTorch's "modified by an inplace
operation" error, so those never give silently wrong gradients either.
Intermediate tensors are not tracked (PyTorch tracks them too).
"""

from __future__ import annotations

from typing import Any

from ..backend import get_array_module
from ..function import Op, unwrap
from ..grad_mode import is_grad_enabled
from .arithmetic import pow as _pow
from .select import clamp_max, clamp_min, masked_fill
from .shape import check_index_arrays, index_add, index_arrays, scatter


def _tracked(t: Any, value: Any = None) -> bool:
    """True when the update must be recorded in the graph."""
    if not is_grad_enabled():
        return False
    value_tracked = getattr(value, "_requires_grad", False)
    if not (t._requires_grad or value_tracked):
        return False
    if t._requires_grad and t.grad_fn is None:
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation; "
            "do it under `with ag.no_grad():` (as optimizers do) or on a .detach()ed copy"
        )
    return True


def _rebase(t: Any, result: Any) -> Any:
    t._array, t.grad_fn, t._requires_grad = result._array, result.grad_fn, result._requires_grad
    return t


_OUT_OF_PLACE = {"add": "__add__", "subtract": "__sub__", "multiply": "__mul__",
                 "true_divide": "__truediv__"}


def inplace(t: Any, ufunc: str, other: Any) -> Any:
    """``t <op>= other`` with numpy's ``out=``: no new array, t keeps its dtype."""
    if _tracked(t, other):
        return _rebase(t, getattr(t, _OUT_OF_PLACE[ufunc])(other))
    xp = get_array_module(t._array)
    value = unwrap(other)
    if ufunc == "subtract" and (t._array.dtype.kind == "b" or value.__class__ is bool
                                or getattr(value, "dtype", None) == "bool"):
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    try:
        getattr(xp, ufunc)(t._array, value, out=t._array)
    except (TypeError, ValueError) as e:  # numpy's casting and broadcasting errors
        raise RuntimeError(_inplace_error(t, value, ufunc)) from e
    t._version_counter[0] += 1
    return t


def _inplace_error(t: Any, value: Any, ufunc: str) -> str:
    """PyTorch's words for an in-place update that cannot keep t's dtype or shape."""
    shape = tuple(getattr(value, "shape", ()))
    xp = get_array_module(t._array)
    try:
        broadcast = tuple(xp.broadcast_shapes(t._array.shape, shape))
    except ValueError:
        broadcast = None
    if broadcast is not None and broadcast != tuple(t._array.shape):
        return (f"output with shape {list(t._array.shape)} doesn't match the broadcast shape "
                f"{list(broadcast)} (in-place {ufunc})")
    if broadcast is None:
        return (f"in-place {ufunc}: shapes {tuple(t._array.shape)} and {shape} cannot be "
                "broadcast together")
    kind = getattr(value, "dtype", None)
    kind = kind.name if kind is not None else type(value).__name__
    return (f"result type of {t._array.dtype.name} {ufunc} {kind} can't be cast to the desired "
            f"output type {t._array.dtype.name} (in-place ops keep the tensor's dtype)")


def _scaled(other: Any, alpha: float) -> Any:
    """alpha * other for add_/sub_: a recorded op only when other's gradient is needed."""
    if alpha == 1:
        return other
    if is_grad_enabled() and getattr(other, "_requires_grad", False):
        return other * alpha
    return unwrap(other) * alpha


def add_(t: Any, other: Any, alpha: float = 1) -> Any:
    """In place: ``t += alpha * other``."""
    return inplace(t, "add", _scaled(other, alpha))


def sub_(t: Any, other: Any, alpha: float = 1) -> Any:
    """In place: ``t -= alpha * other``."""
    return inplace(t, "subtract", _scaled(other, alpha))


def mul_(t: Any, other: Any) -> Any:
    """In place: ``t *= other``."""
    return inplace(t, "multiply", other)


def div_(t: Any, other: Any) -> Any:
    """In place: ``t /= other``."""
    return inplace(t, "true_divide", other)


def zero_(t: Any) -> Any:
    """In place: every element of t set to 0."""
    return fill_(t, 0)


def fill_(t: Any, value: Any) -> Any:
    """In place: every element of t set to ``value`` (a number or a 0-d tensor)."""
    if getattr(value, "ndim", 0) != 0:
        raise RuntimeError(
            f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} "
            "dimensions"
        )
    if _tracked(t, value):
        # Every element overwritten: t's old values (inf or nan included) leave no trace.
        return _rebase(t, SetItem.apply(t, Ellipsis, value))
    t._array[...] = unwrap(value)
    t._version_counter[0] += 1
    return t


def copy_(t: Any, src: Any) -> Any:
    """In place: ``src``'s values (broadcast to t's shape) written into t."""
    if _tracked(t, src):
        return _rebase(t, SetItem.apply(t, Ellipsis, src))
    t._array[...] = unwrap(src)
    t._version_counter[0] += 1
    return t


def apply_(t: Any, op: Any, *args: Any) -> Any:
    """``t.relu_()``, ``F.relu(t, inplace=True)``, ...: ``op(t, *args)``, written into ``t``.

    Recorded, ``t`` takes the result's place in the graph (see the module's notes); not
    recorded, the result is written into ``t``'s array. A result of another dtype (the
    sigmoid of an integer tensor) is refused, as in PyTorch, rather than cast.
    """
    tracked = _tracked(t)
    result = op(t, *args)
    if result.dtype != t.dtype:
        raise RuntimeError(
            f"result type {result.dtype} can't be cast to the desired output type {t.dtype} "
            "(in-place ops keep the tensor's dtype)"
        )
    if tracked:
        return _rebase(t, result)
    t._array[...] = result._array
    t._version_counter[0] += 1
    return t


def clamp_(t: Any, min: Any = None, max: Any = None) -> Any:  # noqa: A002
    """In place: t limited to [min, max]."""
    if _tracked(t):
        return _rebase(t, t.clamp(min, max))
    get_array_module(t._array).clip(t._array, unwrap(min), unwrap(max), out=t._array)
    t._version_counter[0] += 1
    return t


class SetItem(Op):
    """y = x with y[index] = v;  dL/dx = g with g[index] = 0, dL/dv = g[index]."""
    tensor_inputs = (0, 2)

    @staticmethod
    def forward(ctx, x, index, value):
        ctx.index = index
        check_index_arrays(x, index)
        out = x.copy()
        out[index] = value
        return out

    @staticmethod
    def backward(ctx, grad):
        need_x, _, need_v = ctx.needs_input_grad
        grad_v = grad[ctx.index] if need_v else None
        grad_x = None
        if need_x:
            if hasattr(grad, "grad_fn"):
                grad_x = SetItem.apply(grad, ctx.index, 0.0)
            else:
                grad_x = grad.copy()
                grad_x[ctx.index] = 0
        return grad_x, None, grad_v


def setitem(t: Any, index: Any, value: Any) -> None:
    """``t[index] = value``, with PyTorch's indexing rules."""
    index = index_arrays(t, index)
    if _tracked(t, value):
        _rebase(t, SetItem.apply(t, index, value))
        return
    check_index_arrays(t._array, index)
    t._array[index] = unwrap(value)
    t._version_counter[0] += 1


def _write(t: Any, result: Any, value: Any) -> Any:
    """t takes result's values: recorded (t takes result's place in the graph) or written."""
    if _tracked(t, value):
        return _rebase(t, result)
    t._array[...] = result._array
    t._version_counter[0] += 1
    return t


def masked_fill_(t: Any, mask: Any, value: Any) -> Any:
    """``t.masked_fill_(mask, value)``: value written where mask is True; mask broadcasts to t."""
    result = masked_fill(t.detach() if not _tracked(t, value) else t, mask, value)
    if tuple(result.shape) != tuple(t.shape):
        raise RuntimeError(f"output with shape {list(t.shape)} doesn't match the broadcast "
                           f"shape {list(result.shape)}")
    return _write(t, result, value)


def scatter_(t: Any, dim: int, index: Any, src: Any = None, *, value: Any = None,
             reduce: Any = None) -> Any:
    """``t.scatter_(dim, index, src)``: src (or value) written into t at index along dim."""
    source = value if src is None else src
    result = scatter(t.detach() if not _tracked(t, source) else t, dim, index, src, value=value,
                     reduce=reduce)
    return _write(t, result, source)


def pow_(t: Any, exponent: Any) -> Any:
    """In place: ``t = t ** exponent``."""
    return apply_(t, _pow, exponent)


def clamp_min_(t: Any, min: Any) -> Any:  # noqa: A002
    """In place: t limited to >= min."""
    return apply_(t, clamp_min, min)


def clamp_max_(t: Any, max: Any) -> Any:  # noqa: A002
    """In place: t limited to <= max."""
    return apply_(t, clamp_max, max)


def index_add_(t: Any, dim: int, index: Any, source: Any, *, alpha: float = 1) -> Any:
    """In place: ``alpha * source`` added into t at ``index`` along ``dim``."""
    result = index_add(t.detach() if not _tracked(t, source) else t, dim, index, source,
                       alpha=alpha)
    return _write(t, result, source)


def in_place_twin(op: Any, name: str) -> Any:
    """The Tensor method ``name`` (``relu_``): ``op(x)`` written into x (see :func:`apply_`)."""

    def method(self: Any) -> Any:
        return apply_(self, op)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"In place: ``x.{name[:-1]}()`` written into x (recorded on the graph too)."
    return method
