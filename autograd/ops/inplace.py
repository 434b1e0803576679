"""In-place updates: ``x[i] = v``, ``add_``, ``zero_``, ``copy_``, ``relu_``, ... as in PyTorch.

Not recorded (under ``no_grad``, or when neither the tensor nor the value requires grad),
an update writes into the tensor's memory, so the tensors that share it see the new
values: views (basic indexing, ``view``/``reshape``, ``transpose``/``t``/``permute``,
``expand``, ``diagonal``, ...), ``detach()`` and ``.data``. The version counter moves on.

Recorded (the tensor or the value requires grad), the numbers are PyTorch's:

* on a leaf that requires grad, or on a view of one, refused with PyTorch's error;
* on any other tensor t, the op runs out of place on a copy of t's old values (so that
  what it saves for backward is not the memory being written), the result, cast to t's
  dtype, is written into t's memory (views, ``detach()`` aliases and ``.data`` see it), t
  takes the op's node as its ``grad_fn`` and its version counter moves on. A node that
  saved the old values refuses backward with PyTorch's "modified by an inplace operation"
  error (``z = y * y; y.add_(1)``; ``y = x.exp(); y.add_(1)``). A result of another shape
  than t's is refused ("output with shape [3] doesn't match the broadcast shape [2, 3]").
* when t is a view, the result is written into its base at t's elements: the base takes an
  :class:`IntoPositions` node (PyTorch's CopySlices), so ``v = y[0:2]; v.mul_(2)`` changes
  y's values and gradients, and ``x[0:2] += a`` works as in PyTorch.
* after the update, each live view of the base gets a node over the base's new node (a
  copy of its own node, or :class:`Gather`, PyTorch's AsStridedBackward0, for a view that
  had none because the base did not require grad): ``v = y.view(3, 1); y.mul_(2)`` then
  ``v`` gives PyTorch's gradients. A graph that used a view before the update keeps the
  node it used. Views made under ``no_grad`` of a tensor that requires grad are left as
  they are, as PyTorch leaves them.

Views are found through the registry of ``ops/shape.py`` (``ViewOp``). One case is
refused where PyTorch is not: a recorded update of a view whose base's memory is not
C-contiguous (the base was made with another memory order); the error names the
workarounds (update the base itself, an out-of-place op, or ``.clone()`` the view).
An update through a view with repeated elements (``expand``) is refused as in PyTorch.
"""

from __future__ import annotations

from typing import Any

from ..backend import get_array_module
from ..function import Op, _sequence
from ..grad_mode import is_grad_enabled
from ..tensor import Tensor, unwrap
from .arithmetic import pow as _pow
from .select import clamp_max, clamp_min, masked_fill
from .shape import check_index_arrays, index_add, index_arrays, scatter, views_of


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


def _old_values(t: Any) -> Any:
    """A copy of t's values on t's node: the op runs on it, so that what it saves for
    backward is not the memory the result is written into."""
    return Tensor(t._array.copy(), None, False, None, t.grad_fn)


def _recorded(t: Any, make: Any, saves_input: bool = True) -> Any:
    """A recorded in-place update of t: ``make(t's old values)`` written into t.

    When t is a view, the result is written into its base at t's elements, as PyTorch's
    CopySlices node does, and the base and all its views get their new nodes.
    """
    base, views = views_of(t)
    result = make(_old_values(t) if saves_input else t)
    if tuple(result.shape) != tuple(t.shape):
        raise RuntimeError(f"output with shape {list(t.shape)} doesn't match the broadcast "
                           f"shape {list(result.shape)}")
    if base is None:
        return _record(t, result, views)
    if base._requires_grad and base.grad_fn is None:
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place "
            "operation; do it under `with ag.no_grad():` or on a .detach()ed copy"
        )
    where = _positions(base, t)
    _record(base, IntoPositions.apply(base, where, _cast(result, t)), views)
    return t


def _cast(result: Any, t: Any) -> Any:
    """result in t's dtype: in-place ops keep the tensor's dtype (floats are cast, as in
    PyTorch; a float result for an integer tensor is refused)."""
    if result.dtype == t.dtype:
        return result
    if not t.is_floating_point():
        raise RuntimeError(f"result type {result.dtype} can't be cast to the desired output "
                           f"type {t.dtype} (in-place ops keep the tensor's dtype)")
    return result.to(t.dtype)


def _record(t: Any, result: Any, views: list) -> Any:
    """t takes result's values, written into its memory, and result's place in the graph;
    its live views get new nodes over the updated t (see the module's notes)."""
    result = _cast(result, t)
    old = t.grad_fn
    # Views made without a node follow t only if t did not require grad (PyTorch leaves
    # views made under no_grad alone); found before anything is written, as it may raise.
    followers = [v for v in views if v.grad_fn is not None or old is None]
    where = {id(v): _positions(t, v) for v in followers if v.grad_fn is None}
    t._array[...] = result._array
    t._version_counter[0] += 1
    t.grad_fn, t._requires_grad = result.grad_fn, True
    renewed = {id(old): t.grad_fn}
    for view in followers:  # oldest first: a view of a view finds its base's new node
        node = view.grad_fn
        new_base = None if node is None else renewed.get(id(node.edges[0]))
        if new_base is not None:
            view.grad_fn = renewed[id(node)] = _renewed(node, new_base)
        else:  # no node, or its input is gone: a node that picks its elements from t
            positions = where[id(view)] if id(view) in where else _positions(t, view)
            view.grad_fn = Gather.apply(t, positions).grad_fn
            view._requires_grad = True
    return t


def _renewed(node: Any, base: Any) -> Any:
    """A copy of a view's node whose input is ``base``, the updated tensor's node: the view
    of the new values, as PyTorch regenerates a view's grad_fn after its base changed."""
    new = type(node)()
    new.__dict__.update(node.__dict__)  # the op's own fields (index, shape)
    new.edges = (base,) + node.edges[1:]
    new.saved_tensors = node.saved_tensors
    new._saved_versions = new._needs = None
    new._out_shape, new._out_dtype = node._out_shape, node._out_dtype
    new._retained, new._hooks = node._retained, node._hooks
    new._seq = next(_sequence)  # after the update's node: a topological order still
    return new


def _address(array: Any) -> int:
    if hasattr(array, "__array_interface__"):
        return array.__array_interface__["data"][0]
    return array.data.ptr


def _positions(base: Any, view: Any) -> Any:
    """The flat indices, in the base's C-order, of the view's elements (in the view's
    shape): where the view sits in its base's memory."""
    b, v = base._array, view._array
    item = b.dtype.itemsize
    offset = _address(v) - _address(b)
    if not b.flags.c_contiguous or offset % item or any(s % item for s in v.strides):
        raise RuntimeError(
            f"an in-place operation on a view (shape {tuple(v.shape)}) of a tensor whose "
            "memory is not contiguous cannot be recorded for autograd here: update the "
            "base tensor itself, use an out-of-place op, or .clone() the view first"
        )
    xp = get_array_module(b)
    flat = xp.full(v.shape, offset // item, dtype=xp.int64)
    for axis, (n, stride) in enumerate(zip(v.shape, v.strides)):
        steps = xp.arange(n, dtype=xp.int64) * (stride // item)
        flat = flat + steps.reshape((n,) + (1,) * (v.ndim - axis - 1))
    if 0 in v.strides and v.size > 1 and flat.size != xp.unique(flat).size:
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to "
            "a single memory location. Please clone() the tensor before performing the "
            "operation."
        )
    return flat


class IntoPositions(Op):
    """y = x with v written at the flat positions ``where`` (x's C-order): an in-place update
    of a view, seen from its base (PyTorch's CopySlices);
    dL/dx = g with 0 at ``where``, dL/dv = g at ``where``."""
    backward_name = "CopySlices"
    tensor_inputs = (0, 2)

    @staticmethod
    def forward(ctx, x, where, v):
        ctx.where = where
        out = x.copy()
        out.reshape(-1)[where] = v
        return out

    @staticmethod
    def backward(ctx, grad):
        need_x, _, need_v = ctx.needs_input_grad
        flat = grad.reshape(-1)
        grad_v = flat[ctx.where] if need_v else None
        grad_x = None
        if need_x:
            if hasattr(grad, "grad_fn"):
                grad_x = IntoPositions.apply(grad, ctx.where, 0.0)
            else:
                grad_x = grad.copy()
                grad_x.reshape(-1)[ctx.where] = 0
        return grad_x, None, grad_v


class Gather(Op):
    """y = x's elements at the flat positions ``where`` (x's C-order), in where's shape:
    a view's node over its base; dL/dx = g added back at ``where``."""
    backward_name = "AsStridedBackward0"
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, where):
        ctx.shape, ctx.where = x.shape, where
        return x.reshape(-1)[where]

    @staticmethod
    def backward(ctx, grad):
        if hasattr(grad, "grad_fn"):  # create_graph: a recorded op, differentiable again
            return IntoPositions.apply(grad.new_zeros(ctx.shape), ctx.where, grad), None
        out = get_array_module(grad).zeros(ctx.shape, dtype=grad.dtype)
        out.reshape(-1)[ctx.where] = grad  # a view's elements sit at distinct positions
        return out, None


_OUT_OF_PLACE = {"add": "__add__", "subtract": "__sub__", "multiply": "__mul__",
                 "true_divide": "__truediv__"}


def inplace(t: Any, ufunc: str, other: Any) -> Any:
    """``t <op>= other`` with numpy's ``out=``: no new array, t keeps its dtype."""
    if _tracked(t, other):  # + and - save nothing of t; * and / do
        method = _OUT_OF_PLACE[ufunc]
        return _recorded(t, lambda old: getattr(old, method)(other),
                         saves_input=ufunc in ("multiply", "true_divide"))
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
    """In place: t = t + alpha * other; ``t += other``.

    Writes into t's memory and returns t. On a leaf that requires grad it raises
    RuntimeError (write under ``ag.no_grad()``, as optimizers do).

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0, 2.0])
        >>> x.add_(ag.tensor([10.0, 10.0]), alpha=0.5)
        tensor([6., 7.])
        >>> x
        tensor([6., 7.])
    """
    return inplace(t, "add", _scaled(other, alpha))


def sub_(t: Any, other: Any, alpha: float = 1) -> Any:
    """In place: t = t - alpha * other; ``t -= other``.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([1.0, 2.0]).sub_(1)
        tensor([0., 1.])
    """
    return inplace(t, "subtract", _scaled(other, alpha))


def mul_(t: Any, other: Any) -> Any:
    """In place: t = t * other; ``t *= other``.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([1.0, 2.0]).mul_(3)
        tensor([3., 6.])
    """
    return inplace(t, "multiply", other)


def div_(t: Any, other: Any) -> Any:
    """In place: t = t / other; ``t /= other``.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([1.0, 2.0]).div_(4)
        tensor([0.2500, 0.5000])
    """
    return inplace(t, "true_divide", other)


def zero_(t: Any) -> Any:
    """In place: every element of t set to 0; returns t.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([1.0, 2.0]).zero_()
        tensor([0., 0.])
    """
    return fill_(t, 0)


def fill_(t: Any, value: Any) -> Any:
    """In place: every element of t set to ``value`` (a number or a 0-d tensor).

    Examples:
        >>> import autograd as ag
        >>> ag.zeros(3).fill_(7)
        tensor([7., 7., 7.])
    """
    if getattr(value, "ndim", 0) != 0:
        raise RuntimeError(
            f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} "
            "dimensions"
        )
    if _tracked(t, value):
        # Every element overwritten: t's old values (inf or nan included) leave no trace.
        return _recorded(t, lambda old: SetItem.apply(old, Ellipsis, value), False)
    t._array[...] = unwrap(value)
    t._version_counter[0] += 1
    return t


def copy_(t: Any, src: Any) -> Any:
    """In place: ``src``'s values (broadcast to t's shape) written into t; returns t.

    Examples:
        >>> import autograd as ag
        >>> x = ag.zeros(2, 2)
        >>> x.copy_(ag.tensor([1.0, 2.0]))
        tensor([[1., 2.],
                [1., 2.]])
    """
    if _tracked(t, src):
        return _recorded(t, lambda old: SetItem.apply(old, Ellipsis, src), False)
    t._array[...] = unwrap(src)
    t._version_counter[0] += 1
    return t


def apply_(t: Any, op: Any, *args: Any) -> Any:
    """``t.relu_()``, ``F.relu(t, inplace=True)``, ...: ``op(t, *args)``, written into ``t``.

    Recorded, the op runs on a copy of t's values and ``t`` takes the result's values and
    place in the graph (see the module's notes); not recorded, the result is written into
    ``t``'s array. A result of another dtype (the sigmoid of an integer tensor) is refused,
    as in PyTorch, rather than cast.
    """
    if _tracked(t):
        return _recorded(t, lambda old: _same_dtype(op(old, *args), t))
    result = _same_dtype(op(t, *args), t)
    t._array[...] = result._array
    t._version_counter[0] += 1
    return t


def _same_dtype(result: Any, t: Any) -> Any:
    if result.dtype != t.dtype:
        raise RuntimeError(
            f"result type {result.dtype} can't be cast to the desired output type {t.dtype} "
            "(in-place ops keep the tensor's dtype)"
        )
    return result


def clamp_(t: Any, min: Any = None, max: Any = None) -> Any:  # noqa: A002
    """In place: t limited to [min, max] (either may be None).

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([-2.0, 0.5, 3.0]).clamp_(-1, 1)
        tensor([-1.0000,  0.5000,  1.0000])
    """
    if _tracked(t):
        return _recorded(t, lambda old: old.clamp(min, max))
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
    """``t[index] = value``: the value (a number or a tensor broadcast to the indexed shape)
    written into the indexed elements, with the same indexing rules as ``t[index]``.

    Raises:
        RuntimeError: t is a leaf that requires grad (write under ``ag.no_grad()``).

    Examples:
        >>> import autograd as ag
        >>> x = ag.zeros(2, 3)
        >>> x[0, 1:] = 5.0
        >>> x[x == 0] = -1.0
        >>> x
        tensor([[-1.,  5.,  5.],
                [-1., -1., -1.]])
    """
    index = index_arrays(t, index)
    if _tracked(t, value):
        _recorded(t, lambda old: SetItem.apply(old, index, value), False)
        return
    check_index_arrays(t._array, index)
    t._array[index] = unwrap(value)
    t._version_counter[0] += 1


def _write(t: Any, make: Any, value: Any) -> Any:
    """t takes ``make(t)``'s values (an op that saves nothing of t): recorded (see the
    module's notes) or written into t's array."""
    if _tracked(t, value):
        return _recorded(t, make, saves_input=False)
    result = make(t.detach())
    if tuple(result.shape) != tuple(t.shape):
        raise RuntimeError(f"output with shape {list(t.shape)} doesn't match the broadcast "
                           f"shape {list(result.shape)}")
    t._array[...] = result._array
    t._version_counter[0] += 1
    return t


def masked_fill_(t: Any, mask: Any, value: Any) -> Any:
    """In place: ``value`` written where the bool ``mask`` (broadcast to t) is True.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0, -2.0, 3.0])
        >>> x.masked_fill_(x < 0, 0.0)
        tensor([1., 0., 3.])
    """
    return _write(t, lambda old: masked_fill(old, mask, value), value)


def scatter_(t: Any, dim: int, index: Any, src: Any = None, *, value: Any = None,
             reduce: Any = None) -> Any:
    """In place: ``src`` (or ``value``) written into t at ``index`` along ``dim``.

    Examples:
        >>> import autograd as ag
        >>> ag.zeros(4).scatter_(0, ag.tensor([1, 3]), value=1.0)
        tensor([0., 1., 0., 1.])
    """
    source = value if src is None else src
    return _write(t, lambda old: scatter(old, dim, index, src, value=value, reduce=reduce),
                  source)


def pow_(t: Any, exponent: Any) -> Any:
    """In place: t = t ** exponent.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([2.0, 3.0]).pow_(2)
        tensor([4., 9.])
    """
    return apply_(t, _pow, exponent)


def clamp_min_(t: Any, min: Any) -> Any:  # noqa: A002
    """In place: t = max(t, min).

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([-1.0, 2.0]).clamp_min_(0)
        tensor([0., 2.])
    """
    return apply_(t, clamp_min, min)


def clamp_max_(t: Any, max: Any) -> Any:  # noqa: A002
    """In place: t = min(t, max).

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([-1.0, 2.0]).clamp_max_(0)
        tensor([-1.,  0.])
    """
    return apply_(t, clamp_max, max)


def index_add_(t: Any, dim: int, index: Any, source: Any, *, alpha: float = 1) -> Any:
    """In place: ``alpha * source`` added into t at ``index`` along ``dim``; repeated indices add
    up.

    Examples:
        >>> import autograd as ag
        >>> ag.zeros(3).index_add_(0, ag.tensor([0, 0]), ag.tensor([1.0, 2.0]))
        tensor([3., 0., 0.])
    """
    return _write(t, lambda old: index_add(old, dim, index, source, alpha=alpha), source)


def in_place_twin(op: Any, name: str) -> Any:
    """The Tensor method ``name`` (``relu_``): ``op(x)`` written into x (see :func:`apply_`)."""

    def method(self: Any) -> Any:
        return apply_(self, op)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = (
        f"""In place: ``x.{name[:-1]}()`` written into x's memory (recorded on the graph too,
        when x requires grad); returns x.

        Examples:
            >>> import autograd as ag
            >>> x = ag.tensor([0.25, 0.5])
            >>> x.{name}() is x
            True
        """)
    return method
