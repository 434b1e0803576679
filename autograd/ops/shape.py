"""Shape and layout: reshape, permute, expand, squeeze, indexing, cat, stack, dtype casts.

These move values around without changing them, so each backward moves the
gradient back the same way.
"""

from __future__ import annotations

import math
import weakref
from typing import Any

import numpy as np

from .. import backend, dtypes
from ..backend import device_of, get_array_module, scatter_add, to_device
from ..dtypes import result_dtype
from ..function import Op
from ..tensor import Tensor, unwrap
from .reduction import normalize_dims

# --- views: outputs that share their input's memory --------------------------------------------

# The live views made by the view ops below, per version counter (the one a view shares
# with the tensor whose memory it views), with that tensor, the base: an in-place update of
# the base or of a view finds the others here (ops/inplace.py). Keyed by id(counter); an
# entry holds the counter, so the id stays its own while the entry lives. Entries without
# a live view are swept every _SWEEP registrations.
_VIEWS: dict[int, tuple[list, Any, list]] = {}
_SWEEP = 256
_registered = 0
_ref = weakref.ref


class ViewOp(Op):
    """An op whose output may be a view of its input's memory (reshape, permute, basic
    indexing, expand, diagonal): ``apply`` notes each view with its base."""

    __slots__ = ()

    @classmethod
    def apply(cls, input: Any, *args: Any) -> Any:
        out = _apply(cls, input, *args)
        counter = out._version_counter
        if counter is input._version_counter:  # out views input's memory
            entry = _VIEWS.get(id(counter))
            if entry is None:
                _VIEWS[id(counter)] = (counter, _ref(input), [_ref(out)])
            else:
                entry[2].append(_ref(out))
                base = entry[1]()
                if base is not input and (base is None or (input._requires_grad
                                                            and not base._requires_grad)):
                    _rebase_entry(entry, input)
            global _registered
            _registered += 1
            if _registered % _SWEEP == 0:
                _sweep()
        return out


def _rebase_entry(entry: tuple, input: Any) -> None:
    """Make ``input`` the base of its memory's views when the noted base is gone, or is a
    ``detach()`` alias while input is in the graph (and input is not itself a view)."""
    if not any(r() is input for r in entry[2]):
        _VIEWS[id(entry[0])] = (entry[0], _ref(input), entry[2])


_apply = Op.apply.__func__  # Function.apply, the one place where a node is recorded


def _sweep() -> None:
    """Drop the views that are gone, and the entries left without any."""
    for key, (_, _, refs) in list(_VIEWS.items()):
            refs[:] = [r for r in refs if r() is not None]
            if not refs:
                del _VIEWS[key]


def views_of(t: Any) -> tuple[Any, list]:
    """The base of the memory t shares (None when t is not a view or its base is gone) and
    the live views of it (t among them when t is one), oldest first."""
    entry = _VIEWS.get(id(t._version_counter))
    if entry is None:
        return None, []
    views = [v for v in (r() for r in entry[2]) if v is not None]
    base = entry[1]()
    return (base if base is not t else None), views


class Reshape(ViewOp):
    """y = x viewed with a new shape;  dL/dx = dL/dy reshaped back."""
    backward_name = "ViewBackward0"
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        try:
            return x.reshape(shape)
        except ValueError:
            raise RuntimeError(
                f"shape '{list(shape)}' is invalid for input of size {x.size} "
                f"(shape {tuple(x.shape)})"
            ) from None

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape), None


class Permute(ViewOp):
    """y = x with its axes reordered;  dL/dx = dL/dy with the inverse order."""
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, axes):
        ctx.inverse = tuple(int(i) for i in np.argsort(axes))
        return get_array_module(x).transpose(x, axes)

    @staticmethod
    def backward(ctx, grad):
        return get_array_module(grad).transpose(grad, ctx.inverse), None


class Expand(ViewOp):
    """y = x broadcast to a larger shape;  the engine sums dL/dy back to x's shape."""
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, shape):
        try:
            return get_array_module(x).broadcast_to(x, shape)
        except ValueError:
            raise RuntimeError(
                f"The expanded size of the tensor {tuple(shape)} must match the existing "
                f"size {tuple(x.shape)} at non-singleton dimensions"
            ) from None

    @staticmethod
    def backward(ctx, grad):
        return grad, None


class GetItem(ViewOp):
    """y = x[index];  dL/dx is dL/dy put back where it came from (repeated indices add up)."""
    backward_name = "IndexBackward0"
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, index):
        ctx.shape, ctx.dtype, ctx.index = x.shape, x.dtype, index
        ctx.backward_name = _index_node_name(index)
        check_index_arrays(x, index)
        return x[index]

    @staticmethod
    def backward(ctx, grad):
        xp = get_array_module(grad)
        return _index_backward(xp, grad, ctx.shape, ctx.dtype, ctx.index), None


_BASIC_NODE_NAMES = {int: "SelectBackward0", slice: "SliceBackward0",
                     type(None): "UnsqueezeBackward0"}


def _index_node_name(index: Any) -> str:
    """PyTorch's name for the node of ``x[index]``: basic indexing is a chain of nodes there,
    one per item, so the last item that does something names it (``x[0]`` SelectBackward0,
    ``x[1:3]`` SliceBackward0, ``x[None]`` UnsqueezeBackward0); arrays, IndexBackward0."""
    items = index if type(index) is tuple else (index,)
    name = "SliceBackward0"
    for item in items:
        kind = _BASIC_NODE_NAMES.get(type(item))
        if kind is None:
            if item is Ellipsis:
                continue
            if isinstance(item, (int, np.integer)) and not isinstance(item, bool):
                kind = "SelectBackward0"
            else:
                return "IndexBackward0"
        if not (item == slice(None) if type(item) is slice else False):
            name = kind
    return name


def check_in_range(values: Any, low: int, high: int, error: Any, where: Any = None) -> None:
    """``error(v)`` for the first of ``values`` outside [low, high), if any, looking only
    where the bool mask ``where`` is true when given (on a GPU, raised at the next read on
    the host: see backend.check)."""
    bad = (values < low) | (values >= high)
    if where is not None:
        bad &= where
    backend.check(bad.any(), lambda: error(int(values[bad].reshape(-1)[0])))


def check_index_arrays(x: Any, index: Any) -> None:
    """On a GPU, each integer index array in ``x[index]`` within its dimension, negatives
    counted from the end: CuPy wraps out-of-range indices around silently (numpy raises
    by itself, so host arrays need nothing here)."""
    if type(x) is np.ndarray:
        return
    shape = x.shape
    items = index if isinstance(index, tuple) else (index,)
    taken = sum(_dims_taken(i) for i in items if i is not None and i is not Ellipsis)
    dim = 0
    for item in items:
        if item is Ellipsis:
            dim += len(shape) - taken
            continue
        if item is None:
            continue
        if getattr(item, "dtype", None) is not None and item.dtype.kind in "iu" and \
                dim < len(shape) and item.size:
            n = shape[dim]
            check_in_range(item, -n, n, lambda v, dim=dim, n=n: IndexError(
                f"index {v} is out of bounds for dimension {dim} with size {n}"))
        dim += _dims_taken(item)


def _dims_taken(item: Any) -> int:
    """How many dimensions of x an index item addresses (a bool mask: as many as it has)."""
    return item.ndim if getattr(item, "dtype", None) == np.bool_ else 1


def _is_basic(index: Any) -> bool:
    items = index if isinstance(index, tuple) else (index,)
    return all(
        isinstance(i, (int, slice)) or i is None or i is Ellipsis for i in items
    )


def getitem(input: Any, index: Any) -> Any:
    """``x[index]``: numpy's indexing with PyTorch's rules; the gradient goes back to the picked
    elements (added up where an index repeats).

    Basic indexing (ints, slices, ``None``, ``...``) gives a view sharing memory; integer
    tensors or lists and bool masks (advanced indexing) give a copy. Negative steps are
    refused. ``x[index] = value`` writes in place.

    Raises:
        IndexError: an index is out of range (the message names the dim and size).

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        >>> x[1]
        tensor([4., 5., 6.])
        >>> x[:, 1:]
        tensor([[2., 3.],
                [5., 6.]])
        >>> x[x > 2]
        tensor([3., 4., 5., 6.])
        >>> x[[0, 1], [2, 0]]
        tensor([3., 4.])
    """
    return GetItem.apply(input, index_arrays(input, index))


def index_arrays(input: Any, index: Any) -> Any:
    """An index with Tensors and lists turned into arrays on input's device."""
    if isinstance(index, tuple):
        return tuple(_index_item(input, i) for i in index)
    return _index_item(input, index)


def _index_item(input: Any, item: Any) -> Any:
    if isinstance(item, Tensor):
        item = item._array
        if type(item) is not type(input._array):
            item = backend.to_device(item, input.device)
        if item.dtype.kind == "f":
            raise IndexError("tensors used as indices must be long, int or bool tensors")
        return item
    if isinstance(item, list):
        return backend.asarray(np.asarray(item), device=input.device)
    if type(item) is slice and item.step is not None and item.step <= 0:
        # numpy would reverse; PyTorch refuses (use flip), so code that runs here ports.
        raise ValueError("step must be greater than zero")
    if isinstance(item, np.ndarray) and type(input._array) is not np.ndarray:
        return backend.asarray(item, device=input.device)
    return item


def _index_backward(xp: Any, grad: Any, shape: tuple, dtype: Any, index: Any) -> Any:
    if hasattr(grad, "grad_fn"):  # create_graph: a differentiable scatter
        return IndexPut.apply(grad, shape, index)
    out = xp.zeros(shape, dtype=dtype)
    if _is_basic(index) or getattr(index, "dtype", None) == np.bool_:
        out[index] = grad
    else:
        scatter_add(out, index, grad)
    return out


class IndexPut(Op):
    """y = zeros(shape) with g added at index: the adjoint of indexing (used by create_graph)."""
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, g, shape, index):
        ctx.index = index
        return _index_backward(get_array_module(g), g, shape, g.dtype, index)

    @staticmethod
    def backward(ctx, grad):
        return grad[ctx.index], None, None


class Cat(Op):
    """y = the inputs joined along dim;  dL/dx_k is y's gradient cut back into pieces."""
    tensor_inputs = slice(1, None)

    @staticmethod
    def forward(ctx, dim, *xs):
        xp = get_array_module(xs[0])
        ctx.dim = dim
        ctx.bounds = np.cumsum([x.shape[dim] for x in xs])[:-1].tolist()
        return xp.concatenate(_common_dtype(xs), axis=dim)

    @staticmethod
    def backward(ctx, grad):
        xp = get_array_module(grad)
        return (None, *xp.split(grad, ctx.bounds, axis=ctx.dim))


def _common_dtype(xs: tuple) -> Any:
    """The arrays cast to PyTorch's common dtype (int and float32 join as float32, not
    numpy's float64); the engine casts each gradient back to its input's dtype."""
    dtype = xs[0].dtype
    if all(x.dtype == dtype for x in xs):
        return xs
    for x in xs[1:]:
        dtype = result_dtype(dtype, 1, x.dtype, 1)
    return [x.astype(dtype, copy=False) for x in xs]


class Stack(Op):
    """y = the inputs stacked along a new dim;  dL/dx_k = dL/dy taken at k."""
    tensor_inputs = slice(1, None)

    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim = dim
        ctx.count = len(xs)
        return get_array_module(xs[0]).stack(_common_dtype(xs), axis=dim)

    @staticmethod
    def backward(ctx, grad):
        index = (slice(None),) * ctx.dim
        return (None, *(grad[index + (k,)] for k in range(ctx.count)))


class ToDtype(Op):
    """y = x cast to another dtype;  the engine casts dL/dy back to x's dtype."""
    backward_name = "ToCopyBackward0"
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, dtype):
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad, None


class Clone(Op):
    """y = a copy of x;  dL/dx = dL/dy."""

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


class TakeAlongDim(Op):
    """y = x gathered along dim at index (PyTorch's gather);  dL/dx scatters dL/dy back."""
    backward_name = "GatherBackward0"
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, index, dim):
        ctx.shape, ctx.dtype, ctx.dim = x.shape, x.dtype, dim
        ctx.save_for_backward(index)
        # Indexing (not take_along_axis): PyTorch lets index be smaller than x off ``dim``.
        return x[_full_index(index, dim)]

    @staticmethod
    def backward(ctx, grad):
        (index,) = ctx.saved_tensors
        index = unwrap(index)
        return _index_backward(
            get_array_module(index), grad, ctx.shape, ctx.dtype, _full_index(index, ctx.dim)
        ), None, None


def _full_index(index: Any, dim: int) -> tuple:
    """The advanced index tuple that addresses x at ``index`` along ``dim``."""
    xp = get_array_module(index)
    parts = []
    for d, n in enumerate(index.shape):
        if d == dim:
            parts.append(index)
        else:
            shape = [1] * index.ndim
            shape[d] = n
            parts.append(xp.arange(n).reshape(shape))
    return tuple(parts)


# --- functional forms ------------------------------------------------------------------

def _named(out: Any, input: Any, name: str) -> Any:
    """``out``, its node (when the call recorded one) under PyTorch's name for the call:
    ``x.t()`` is a Permute here and TBackward0 there."""
    if out is not input and out.grad_fn is not None:
        out.grad_fn.backward_name = name
    return out


def _shape_arg(shape: tuple) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def _sizes(args: tuple, keyword: Any, method: str, name: str) -> tuple:
    """Sizes given as ``*args`` or as the keyword ``name=`` (not both), as PyTorch takes them."""
    if keyword is None:
        return args
    if args:
        raise TypeError(f"{method}() got sizes both positionally and as {name}=")
    return (keyword,)


def reshape(input: Any, *sizes: Any, shape: Any = None) -> Any:
    """The same elements, in row-major order, in a new shape; a view where the memory allows.

    One size may be -1: it is inferred from the number of elements. Sizes may be given as
    ``x.reshape(2, 3)``, ``x.reshape((2, 3))`` or ``ag.reshape(x, (2, 3))``.

    Raises:
        RuntimeError: the new shape does not hold the same number of elements.

    Examples:
        >>> import autograd as ag
        >>> x = ag.arange(6)
        >>> x.reshape(2, 3)
        tensor([[0, 1, 2],
                [3, 4, 5]])
        >>> x.reshape(-1, 2).shape
        autograd.Size([3, 2])
    """
    shape = _shape_arg(_sizes(sizes, shape, "reshape", "shape"))
    if shape == input.shape:
        return input
    return Reshape.apply(input, shape)


def permute(input: Any, *args: Any, dims: Any = None) -> Any:
    """The dimensions reordered: dimension i of the result is dimension ``dims[i]`` of input.

    A view sharing memory; the gradient is permuted back.

    Raises:
        RuntimeError: ``dims`` is not a permutation of the dimensions.

    Examples:
        >>> import autograd as ag
        >>> x = ag.zeros(2, 3, 4)
        >>> x.permute(2, 0, 1).shape
        autograd.Size([4, 2, 3])
    """
    dims = _shape_arg(_sizes(args, dims, "permute", "dims"))
    if len(dims) != input.ndim:
        raise RuntimeError(
            f"permute(): number of dims in {dims} doesn't match the tensor's {input.ndim} dims "
            f"(shape {tuple(input.shape)})"
        )
    axes = tuple(d % input.ndim for d in dims) if input.ndim else ()
    if sorted(axes) != list(range(input.ndim)):
        raise RuntimeError(f"permute(): dims {dims} are not a permutation of {input.ndim} dims")
    return Permute.apply(input, axes)


def transpose(input: Any, dim0: int, dim1: int) -> Any:
    """``input`` with dimensions ``dim0`` and ``dim1`` swapped (a view sharing memory).

    ``swapaxes`` and ``swapdims`` are the same function; :meth:`t` transposes a matrix.

    Raises:
        IndexError: a dimension is out of range.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([[1, 2, 3], [4, 5, 6]])
        >>> x.transpose(0, 1)
        tensor([[1, 4],
                [2, 5],
                [3, 6]])
        >>> ag.zeros(2, 3, 4).transpose(-1, 0).shape
        autograd.Size([4, 3, 2])
    """
    n = input.ndim
    if n == 0:
        return input
    for d in (dim0, dim1):
        if not -n <= d < n:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})"
            )
    axes = list(range(n))
    axes[dim0], axes[dim1] = axes[dim1], axes[dim0]
    return _named(Permute.apply(input, tuple(axes)), input, "TransposeBackward0")


def expand(input: Any, *args: Any, size: Any = None) -> Any:
    """A view with size-1 dimensions repeated to ``sizes``, without copying (-1 keeps a size).

    New leading dimensions may be added. The gradient sums over the repeated copies.

    Raises:
        RuntimeError: a size other than 1 would have to change.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([[1.0], [2.0]])
        >>> x.expand(2, 3)
        tensor([[1., 1., 1.],
                [2., 2., 2.]])
        >>> x.expand(4, -1, 2).shape
        autograd.Size([4, 2, 2])
    """
    sizes = list(_shape_arg(_sizes(args, size, "expand", "size")))
    lead = len(sizes) - input.ndim
    if lead < 0:
        raise RuntimeError(
            f"expand: the number of sizes provided ({len(sizes)}) must be greater or equal to "
            f"the number of dimensions in the tensor ({input.ndim})"
        )
    for i, n in enumerate(input.shape):
        if sizes[lead + i] == -1:
            sizes[lead + i] = n
    return Expand.apply(input, tuple(sizes))


def view(input: Any, *args: Any, size: Any = None) -> Any:
    """``x.view(*shape)``: the same elements in a new shape (one size may be -1), as
    :func:`reshape`.

    Raises:
        RuntimeError: the new shape does not hold the same number of elements.

    Examples:
        >>> import autograd as ag
        >>> x = ag.arange(6.0)
        >>> x.view(3, 2)
        tensor([[0., 1.],
                [2., 3.],
                [4., 5.]])
        >>> x.view(4)
        Traceback (most recent call last):
            ...
        RuntimeError: shape '[4]' is invalid for input of size 6 (shape (6,))
    """
    return reshape(input, *_sizes(args, size, "view", "size"))


def view_as(input: Any, other: Any) -> Any:
    """``x.view_as(y)``: x's elements in y's shape.

    Examples:
        >>> import autograd as ag
        >>> ag.arange(4).view_as(ag.zeros(2, 2))
        tensor([[0, 1],
                [2, 3]])
    """
    return reshape(input, other.shape)


def expand_as(input: Any, other: Any) -> Any:
    """``x.expand_as(y)``: x expanded (without copying) to y's shape.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([1, 2]).expand_as(ag.zeros(2, 2))
        tensor([[1, 2],
                [1, 2]])
    """
    return expand(input, other.shape)


def t(input: Any) -> Any:
    """The transpose of a matrix; a tensor of at most 1 dimension returns as it is.

    Raises:
        RuntimeError: the tensor has more than 2 dimensions.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([[1, 2, 3]]).t()
        tensor([[1],
                [2],
                [3]])
    """
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return _named(transpose(input, 0, 1), input, "TBackward0") if input.ndim == 2 else input


def reversed_dims(input: Any) -> Any:
    """``x.T``: all dimensions in reverse order.

    Examples:
        >>> import autograd as ag
        >>> ag.zeros(2, 3, 4).T.shape
        autograd.Size([4, 3, 2])
    """
    return permute(input, tuple(range(input.ndim - 1, -1, -1)))


def matrix_transpose(input: Any) -> Any:
    """``x.mT``: the last two dimensions swapped (batched matrices).

    Examples:
        >>> import autograd as ag
        >>> ag.zeros(5, 2, 3).mT.shape
        autograd.Size([5, 3, 2])
    """
    return transpose(input, -2, -1)


def flatten(input: Any, start_dim: int = 0, end_dim: int = -1) -> Any:
    """The dimensions from ``start_dim`` to ``end_dim`` (all by default) joined into one.

    Examples:
        >>> import autograd as ag
        >>> x = ag.zeros(8, 3, 4, 4)
        >>> x.flatten().shape
        autograd.Size([384])
        >>> x.flatten(start_dim=1).shape
        autograd.Size([8, 48])
    """
    if input.ndim == 0:
        return reshape(input, (1,))
    start, end = (normalize_dims(d, input.ndim)[0] for d in (start_dim, end_dim))
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shape = input.shape
    new = shape[:start] + (math.prod(shape[start : end + 1]),) + shape[end + 1 :]
    return reshape(input, new)


def squeeze(input: Any, dim: Any = None) -> Any:
    """``input`` without its size-1 dimensions (only ``dim``'s, when given; a dim whose size is
    not 1 is left as it is).

    Examples:
        >>> import autograd as ag
        >>> x = ag.zeros(2, 1, 3, 1)
        >>> x.squeeze().shape
        autograd.Size([2, 3])
        >>> x.squeeze(1).shape
        autograd.Size([2, 3, 1])
    """
    if dim is None:
        new = tuple(n for n in input.shape if n != 1)
    else:
        dims = set(normalize_dims(dim, input.ndim)) if input.ndim else set()
        new = tuple(n for i, n in enumerate(input.shape) if not (i in dims and n == 1))
    name = "SqueezeBackward0" if dim is None else "SqueezeBackward1"
    return _named(reshape(input, new), input, name)


def unsqueeze(input: Any, dim: int) -> Any:
    """``input`` with a new dimension of size 1 inserted at position ``dim`` (a view).

    ``dim`` may be in [-ndim - 1, ndim]; negative counts from the end.

    Raises:
        IndexError: ``dim`` is out of range.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0, 2.0, 3.0])
        >>> x.unsqueeze(0)
        tensor([[1., 2., 3.]])
        >>> x.unsqueeze(-1).shape
        autograd.Size([3, 1])
    """
    n = input.ndim + 1
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    dim = dim % n
    return _named(reshape(input, input.shape[:dim] + (1,) + input.shape[dim:]), input,
                  "UnsqueezeBackward0")


def cat(tensors: Any, dim: int = 0) -> Any:
    """The tensors joined along an existing dimension ``dim``; ``concat`` is the same function.

    All tensors must have the same shape except along ``dim``; the gradient is split back
    into the pieces.

    Raises:
        RuntimeError: the list is empty, or the other sizes differ (the message gives shapes).

    Examples:
        >>> import autograd as ag
        >>> a, b = ag.zeros(2, 2), ag.ones(1, 2)
        >>> ag.cat([a, b])
        tensor([[0., 0.],
                [0., 0.],
                [1., 1.]])
        >>> ag.cat([a, ag.ones(2, 3)], dim=1).shape
        autograd.Size([2, 5])
    """
    tensors = list(tensors)
    if not tensors:
        raise ValueError("cat(): expected a non-empty list of Tensors")
    ndim = tensors[0].ndim
    for k, t in enumerate(tensors):
        if t.ndim == 0:
            raise RuntimeError(
                f"cat(): zero-dimensional tensor (at position {k}) cannot be concatenated; "
                "use stack() to join scalars"
            )
    d = normalize_dims(dim, ndim)[0]
    for k, t in enumerate(tensors):
        if t.ndim != ndim or any(
            a != b for i, (a, b) in enumerate(zip(t.shape, tensors[0].shape)) if i != d
        ):
            raise RuntimeError(
                f"cat(): sizes of tensors must match except in dimension {dim}: tensor 0 has "
                f"shape {tuple(tensors[0].shape)}, tensor {k} has shape {tuple(t.shape)}"
            )
    return Cat.apply(d, *tensors)


def stack(tensors: Any, dim: int = 0) -> Any:
    """The tensors, all of one shape, stacked along a new dimension ``dim``.

    ``stack`` of n tensors of shape (a, b) along dim 0 has shape (n, a, b).

    Raises:
        RuntimeError: the list is empty, or the shapes differ.

    Examples:
        >>> import autograd as ag
        >>> ag.stack([ag.tensor([1, 2]), ag.tensor([3, 4])])
        tensor([[1, 2],
                [3, 4]])
        >>> ag.stack([ag.zeros(2, 3)] * 4, dim=1).shape
        autograd.Size([2, 4, 3])
    """
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack(): expected a non-empty list of Tensors")
    for k, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {tuple(tensors[0].shape)} "
                f"at entry 0 and {tuple(t.shape)} at entry {k}"
            )
    return Stack.apply(normalize_dims(dim, tensors[0].ndim + 1)[0], *tensors)


def gather(input: Any, dim: int, index: Any) -> Any:
    """Values picked along ``dim`` by ``index``, in ``index``'s shape.

    For dim=0, ``out[i][j] = input[index[i][j]][j]``; for dim=1,
    ``out[i][j] = input[i][index[i][j]]``. The gradient is scattered back (added up where
    an index repeats).

    Examples:
        >>> import autograd as ag
        >>> probs = ag.tensor([[0.1, 0.9], [0.8, 0.2]])
        >>> probs.gather(1, ag.tensor([[1], [0]]))
        tensor([[0.9000],
                [0.8000]])
    """
    dim = dim % input.ndim if input.ndim else 0
    shape, index_shape = tuple(input.shape), tuple(index.shape)
    if len(index_shape) != len(shape) or any(
        m > n for d, (m, n) in enumerate(zip(index_shape, shape)) if d != dim
    ):
        raise RuntimeError(
            f"gather(): index of shape {index_shape} does not fit input of shape {shape}: it "
            f"needs as many dims, and no larger size except in dimension {dim}"
        )
    raw = unwrap(index)
    if raw.dtype.kind not in "iu":
        raise RuntimeError(f"gather(): index must be an integer tensor, got {index.dtype}")
    if raw.size:  # numpy would wrap -1 around to the end; PyTorch refuses, and so do we
        check_in_range(raw, 0, shape[dim], lambda v: RuntimeError(
            f"gather(): index {v} is out of bounds for dimension {dim} with size {shape[dim]}"))
    if hasattr(index, "grad_fn") and index.device != input.device:  # CuPy would copy it over
        raise RuntimeError(
            f"Expected all tensors to be on the same device, but found at least two devices, "
            f"{input.device} and {index.device}! (gather's index)"
        )
    return TakeAlongDim.apply(input, index, dim)


class ToDevice(Op):
    """y = x copied to another device;  dL/dx = dL/dy copied back."""
    backward_name = "ToCopyBackward0"
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, device):
        ctx.source = device_of(x)
        return to_device(x, device)

    @staticmethod
    def backward(ctx, grad):
        if hasattr(grad, "grad_fn"):
            return grad.to(ctx.source), None
        return to_device(grad, ctx.source), None


# --- conversions: x.to(...), x.float(), x.clone(), ... -------------------------------------

def to(input: Any, *args: Any, **kwargs: Any) -> Any:
    """The tensor converted: ``x.to(device)``, ``x.to(dtype)``, ``x.to(device, dtype)`` or
    ``x.to(other)`` (other's device and dtype).

    Returns the tensor itself when nothing changes (``copy=True`` forces a copy); otherwise
    a new tensor, through which the gradient flows back. ``non_blocking`` is accepted and
    ignored.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([1, 2])
        >>> x.to(ag.float64)
        tensor([1., 2.], dtype=autograd.float64)
        >>> x.to("cpu") is x
        True
    """
    device = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    kwargs.pop("non_blocking", None)
    copy = kwargs.pop("copy", False)
    if kwargs:
        raise TypeError(f"to() got unexpected arguments {sorted(kwargs)}")
    for a in args:
        if isinstance(a, (str, backend.Device)):
            device = a
        elif isinstance(a, Tensor):
            device, dtype = a.device, a.dtype
        else:
            dtype = a
    out = input
    if device is not None:
        device = backend.Device(device)
        if out.device != device:
            out = ToDevice.apply(out, device)
    if dtype is not None:
        np_dtype = dtypes.to_numpy_dtype(dtype)
        if np_dtype != out._array.dtype:
            out = ToDtype.apply(out, np_dtype)
    return clone(out) if copy and out is input else out


def cpu(input: Any) -> Any:
    """A copy in host memory (the tensor itself when it is already there).

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([1.0]).cpu()
        tensor([1.])
    """
    return to(input, "cpu")


def cuda(input: Any, device: Any = None) -> Any:
    """A copy on the GPU ``device`` (``cuda:0`` by default; the tensor itself when it is there).

    Raises:
        RuntimeError: no GPU is available.

    Examples:
        >>> import autograd as ag
        >>> x = ag.ones(3)
        >>> x.cuda().device  # doctest: +SKIP
        device(type='cuda', index=0)
        >>> x.device
        device(type='cpu')
    """
    return to(input, "cuda" if device is None else backend.Device(
        f"cuda:{device}" if isinstance(device, int) else device))


def to_float32(input: Any) -> Any:
    """``x.float()``: x as float32 (the tensor itself when it already is).

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([1, 2]).float()
        tensor([1., 2.])
    """
    return to(input, dtypes.float32)


def to_float64(input: Any) -> Any:
    """``x.double()``: x as float64 (the tensor itself when it already is).

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([1, 2]).double()
        tensor([1., 2.], dtype=autograd.float64)
    """
    return to(input, dtypes.float64)


def to_float16(input: Any) -> Any:
    """``x.half()``: x as float16 (the tensor itself when it already is).

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([1.5]).half()
        tensor([1.5000], dtype=autograd.float16)
    """
    return to(input, dtypes.float16)


def to_int64(input: Any) -> Any:
    """``x.long()``: x as int64, floats rounded toward zero.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([1.7, -1.7]).long()
        tensor([ 1, -1])
    """
    return to(input, dtypes.int64)


def to_int32(input: Any) -> Any:
    """``x.int()``: x as int32, floats rounded toward zero.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([1.7, -1.7]).int()
        tensor([ 1, -1], dtype=autograd.int32)
    """
    return to(input, dtypes.int32)


def to_bool(input: Any) -> Any:
    """``x.bool()``: x as bool, True where non-zero.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([0.0, 2.0]).bool()
        tensor([False,  True])
    """
    return to(input, dtypes.bool_)


def type_as(input: Any, other: Any) -> Any:
    """x in other's dtype.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([1, 2]).type_as(ag.zeros(1))
        tensor([1., 2.])
    """
    return to(input, other.dtype)


def clone(input: Any) -> Any:
    """A copy with memory of its own; the gradient flows through to ``input``.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0, 2.0])
        >>> y = x.clone()
        >>> y[0] = 5.0
        >>> x
        tensor([1., 2.])
    """
    return Clone.apply(input)


def contiguous(input: Any) -> Any:
    """The tensor itself (arrays here need no contiguous copy for any op).

    Examples:
        >>> import autograd as ag
        >>> ag.zeros(2, 3).t().contiguous().shape
        autograd.Size([3, 2])
    """
    return input


class Flip(Op):
    """y = x reversed along ``dims``;  dL/dx = dL/dy reversed back."""
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return get_array_module(x).flip(x, dims)

    @staticmethod
    def backward(ctx, grad):
        return get_array_module(grad).flip(grad, ctx.dims), None


class Roll(Op):
    """y = x shifted cyclically by ``shifts`` along ``dims`` (flattened when None);
    dL/dx = dL/dy shifted back by -shifts."""
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return get_array_module(x).roll(x, shifts, dims)

    @staticmethod
    def backward(ctx, grad):
        back = tuple(-s for s in ctx.shifts) if isinstance(ctx.shifts, tuple) else -ctx.shifts
        return get_array_module(grad).roll(grad, back, ctx.dims), None, None


def flip(input: Any, *dims: Any) -> Any:
    """x reversed along each of ``dims``.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([[1, 2], [3, 4]]).flip(1)
        tensor([[2, 1],
                [4, 3]])
    """
    dims = _shape_arg(dims)
    return Flip.apply(input, normalize_dims(dims, input.ndim))


def roll(input: Any, shifts: Any, dims: Any = None) -> Any:
    """x shifted cyclically: element i moves to i + shift along each of ``dims`` (of the flattened
    tensor when None).

    Examples:
        >>> import autograd as ag
        >>> ag.roll(ag.tensor([1, 2, 3, 4]), 1)
        tensor([4, 1, 2, 3])
    """
    if dims is None:
        if not isinstance(shifts, int):
            shifts = tuple(shifts)
            if len(shifts) != 1:
                raise RuntimeError(
                    f"roll(): shifts {shifts} need dims of the same length, but dims is None"
                )
            shifts = shifts[0]
        return Roll.apply(input, int(shifts), None)
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(
            f"roll(): shifts and dimensions must align. shifts: {len(shifts)}, dims: {len(dims)}"
        )
    axes = tuple(normalize_dims(d, input.ndim)[0] for d in dims)
    return Roll.apply(input, tuple(int(s) for s in shifts), axes)


def narrow(input: Any, dim: int, start: int, length: int) -> Any:
    """The slice start : start + length along ``dim`` (a view).

    Examples:
        >>> import autograd as ag
        >>> ag.arange(6).narrow(0, 2, 3)
        tensor([2, 3, 4])
    """
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = normalize_dims(dim, input.ndim)[0]
    size = input.shape[d]
    if not -size <= start <= size:
        raise IndexError(
            f"start out of range (expected to be in range of [{-size}, {size}], but got {start})"
        )
    start = start % size if start < 0 else start
    if length < 0 or start + length > size:
        raise RuntimeError(
            f"start ({start}) + length ({length}) exceeds dimension size ({size}) of a tensor "
            f"of shape {tuple(input.shape)}"
        )
    return GetItem.apply(input, (slice(None),) * d + (slice(start, start + length),))


def split(input: Any, split_size_or_sections: Any, dim: int = 0) -> tuple:
    """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or of the given list of
    sizes.

    Examples:
        >>> import autograd as ag
        >>> ag.arange(5).split(2)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
        >>> ag.arange(5).split([1, 4])
        (tensor([0]), tensor([1, 2, 3, 4]))
    """
    d = normalize_dims(dim, input.ndim)[0]
    size = input.shape[d]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0:
            raise RuntimeError(f"split expects split_size be positive, but got {step}")
        sizes = [min(step, size - lo) for lo in range(0, size, step)] or [0]
    else:
        sizes = [int(n) for n in split_size_or_sections]
        if sum(sizes) != size or any(n < 0 for n in sizes):
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's "
                f"size at dimension {dim}, shape {tuple(input.shape)}), but got split_sizes="
                f"{sizes}"
            )
    pieces, lo = [], 0
    for n in sizes:
        piece = GetItem.apply(input, (slice(None),) * d + (slice(lo, lo + n),))
        pieces.append(_named(piece, input, "SplitBackward0"))
        lo += n
    return tuple(pieces)


def chunk(input: Any, chunks: int, dim: int = 0) -> tuple:
    """At most ``chunks`` pieces of equal size ceil(n / chunks) along ``dim``.

    Raises:
        RuntimeError: ``chunks`` is not positive.

    Examples:
        >>> import autograd as ag
        >>> ag.arange(5).chunk(2)
        (tensor([0, 1, 2]), tensor([3, 4]))
    """
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    size = input.shape[normalize_dims(dim, input.ndim)[0]]
    if size == 0:  # PyTorch gives ``chunks`` empty pieces
        return split(input, [0] * chunks, dim)
    return split(input, -(-size // chunks), dim)


def unbind(input: Any, dim: int = 0) -> tuple:
    """The slices along ``dim``, that dimension removed, as a tuple.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([[1, 2], [3, 4]]).unbind(1)
        (tensor([1, 3]), tensor([2, 4]))
    """
    d = normalize_dims(dim, input.ndim)[0]
    return tuple(_named(GetItem.apply(input, (slice(None),) * d + (k,)), input, "UnbindBackward0")
                 for k in range(input.shape[d]))


def repeat(input: Any, *sizes: Any) -> Any:
    """x tiled ``sizes[i]`` times along dimension i (new leading dimensions added as needed).

    Unlike :func:`expand` it copies; the gradient sums over the copies.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([1, 2]).repeat(2, 2)
        tensor([[1, 2, 1, 2],
                [1, 2, 1, 2]])
    """
    sizes = _shape_arg(sizes)
    if len(sizes) < input.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions "
            f"of tensor (repeat dims {sizes}, tensor shape {tuple(input.shape)})"
        )
    shape = (1,) * (len(sizes) - input.ndim) + tuple(input.shape)
    spread = tuple(x for n in shape for x in (1, n))
    stretched = tuple(x for r, n in zip(sizes, shape) for x in (r, n))
    out = Expand.apply(Reshape.apply(input, spread), stretched)
    return Reshape.apply(out, tuple(r * n for r, n in zip(sizes, shape)))


def tile(input: Any, *dims: Any) -> Any:
    """``repeat`` with too few sizes padded by leading 1s.

    Examples:
        >>> import autograd as ag
        >>> ag.tile(ag.tensor([[1, 2]]), (2,))
        tensor([[1, 2, 1, 2]])
    """
    dims = _shape_arg(dims)
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


def index_select(input: Any, dim: int, index: Any) -> Any:
    """The entries at ``index`` (a 1-D integer tensor) along ``dim``; repeated indices add up in the
    gradient.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([[1, 2], [3, 4], [5, 6]]).index_select(0, ag.tensor([2, 0]))
        tensor([[5, 6],
                [1, 2]])
    """
    raw = unwrap(index)
    if raw.ndim > 1:
        raise IndexError(
            f"index_select(): Index is supposed to be a vector, got shape {tuple(raw.shape)}"
        )
    if raw.dtype.kind not in "iu":
        raise RuntimeError(f"index_select(): index must be an integer tensor, got {raw.dtype}")
    d = normalize_dims(dim, input.ndim)[0] if input.ndim else 0
    size = input.shape[d] if input.ndim else 1
    if raw.size:
        check_in_range(raw, 0, size, lambda v: RuntimeError(
            f"index_select(): index {v} is out of range for dimension {dim} with size {size}"))
    _same_device(input, index, "index_select's index")
    if input.ndim == 0:
        return Clone.apply(input)
    out = GetItem.apply(input, (slice(None),) * d + (raw.reshape(-1),))
    return _named(out, input, "IndexSelectBackward0")


def _same_device(input: Any, other: Any, what: str) -> None:
    if hasattr(other, "grad_fn") and other.device != input.device:  # CuPy would copy it over
        raise RuntimeError(
            f"Expected all tensors to be on the same device, but found at least two devices, "
            f"{input.device} and {other.device}! ({what})"
        )


def masked_select(input: Any, mask: Any) -> Any:
    """The 1-D tensor of the entries where the bool ``mask`` (broadcast with x) is True.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([[1.0, -2.0], [-3.0, 4.0]])
        >>> x.masked_select(x > 0)
        tensor([1., 4.])
    """
    raw = unwrap(mask)
    if raw.dtype.kind != "b":
        raise RuntimeError(f"masked_select: expected BoolTensor for mask, got {raw.dtype}")
    _same_device(input, mask, "masked_select's mask")
    try:
        shape = np.broadcast_shapes(tuple(input.shape), tuple(raw.shape))
    except ValueError:
        raise RuntimeError(
            f"masked_select: the mask of shape {tuple(raw.shape)} does not broadcast with the "
            f"input of shape {tuple(input.shape)}"
        ) from None
    if shape != tuple(input.shape):
        input = Expand.apply(input, shape)
    out = GetItem.apply(input, get_array_module(raw).broadcast_to(raw, shape))
    return _named(out, input, "MaskedSelectBackward0")


def sort_indices(input: Any, dim: int, descending: bool) -> tuple[Any, int]:
    """The indices that sort ``input`` along ``dim`` (stable), and that dim as an axis.

    The values are then ``gather(input, dim, indices)``, so their gradient flows back to
    the places the values came from.
    """
    data = input._array
    xp = get_array_module(data)
    axis = normalize_dims(dim, data.ndim)[0]
    key = data.astype(np.int64) if data.dtype.kind in "bu" else data
    if descending:  # NaN counts as the largest value, as in PyTorch: it comes first
        key = xp.where(xp.isnan(key), -xp.inf, -key) if key.dtype.kind == "f" else -key
    # CuPy's sort is always stable and takes no kind= other than None
    stable = {"kind": "stable"} if xp is np else {}
    return xp.argsort(key, axis=axis, **stable), axis


# --- triangles, diagonals, sliding windows, scatter ---------------------------------------------

class Triangle(Op):
    """tril / triu of the last two dims: y = x where kept, else 0;  dL/dx = g kept the same way.

    ``tril(diagonal=k)`` keeps x[i, j] with j <= i + k, ``triu(diagonal=k)`` those with
    j >= i + k; k = 0 is the main diagonal, k > 0 above it, k < 0 below.
    """
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, upper, diagonal):
        xp = get_array_module(x)
        rows, cols = x.shape[-2:]
        offset = xp.arange(cols) - xp.arange(rows).reshape(-1, 1)  # j - i at [i, j]
        keep = offset >= diagonal if upper else offset <= diagonal
        ctx.backward_name = "TriuBackward0" if upper else "TrilBackward0"
        ctx.save_for_backward(keep)
        return xp.where(keep, x, xp.zeros((), dtype=x.dtype))

    @staticmethod
    def backward(ctx, grad):
        (keep,) = ctx.saved_tensors
        return get_array_module(grad).where(keep, grad, 0.0), None, None


def _triangle(name: str, input: Any, diagonal: int, upper: bool) -> Any:
    if input.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions, got shape "
                           f"{tuple(input.shape)}")
    return Triangle.apply(input, upper, int(diagonal))


def tril(input: Any, diagonal: int = 0) -> Any:
    """The lower triangle of the last two dims (entries with j <= i + diagonal); the rest 0.

    Examples:
        >>> import autograd as ag
        >>> ag.tril(ag.ones(3, 3))
        tensor([[1., 0., 0.],
                [1., 1., 0.],
                [1., 1., 1.]])
    """
    return _triangle("tril", input, diagonal, False)


def triu(input: Any, diagonal: int = 0) -> Any:
    """The upper triangle of the last two dims (entries with j >= i + diagonal); the rest 0.

    Examples:
        >>> import autograd as ag
        >>> ag.triu(ag.ones(3, 3), diagonal=1)
        tensor([[0., 1., 1.],
                [0., 0., 1.],
                [0., 0., 0.]])
    """
    return _triangle("triu", input, diagonal, True)


def _diagonal_index(xp: Any, n: int, diagonal: int) -> tuple:
    """(rows, cols) of the ``diagonal``-th diagonal, n entries long."""
    k = xp.arange(n)
    return (k, k + diagonal) if diagonal >= 0 else (k - diagonal, k)


class Diag(Op):
    """``diag`` both ways. A vector v of n gives the (n + |k|)-square matrix with v on the
    k-th diagonal (dL/dv = g read off that diagonal); a matrix gives its k-th diagonal as a
    vector (dL/dx = zeros with g put on that diagonal)."""
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, diagonal):
        xp = get_array_module(x)
        ctx.shape, ctx.dtype = x.shape, x.dtype
        # PyTorch: diag of a vector is diag_embed, of a matrix diagonal (a copy here)
        ctx.backward_name = "DiagEmbedBackward0" if x.ndim == 1 else "DiagonalBackward0"
        if x.ndim == 1:
            n = x.shape[0] + abs(diagonal)
            ctx.index = _diagonal_index(xp, x.shape[0], diagonal)
            out = xp.zeros((n, n), dtype=x.dtype)
            out[ctx.index] = x
            return out
        rows, cols = x.shape
        length = max(0, min(rows, cols - diagonal) if diagonal >= 0 else min(rows + diagonal, cols))
        ctx.index = _diagonal_index(xp, length, diagonal)
        return x[ctx.index]

    @staticmethod
    def backward(ctx, grad):
        if len(ctx.shape) == 1:
            return grad[ctx.index], None
        return _index_backward(get_array_module(ctx.index[0]), grad, ctx.shape, ctx.dtype,
                               ctx.index), None


def diag(input: Any, diagonal: int = 0) -> Any:
    """A 1-D input becomes a square matrix with it on the ``diagonal``-th diagonal; a 2-D input
    gives that diagonal (k > 0 above the main one, k < 0 below).

    Examples:
        >>> import autograd as ag
        >>> ag.diag(ag.tensor([1, 2]))
        tensor([[1, 0],
                [0, 2]])
        >>> ag.diag(ag.tensor([[1, 2], [3, 4]]))
        tensor([1, 4])
    """
    if input.ndim not in (1, 2):
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")
    return Diag.apply(input, int(diagonal))


class Unfold(Op):
    """``x.unfold(dim, size, step)``: every window of ``size`` entries along ``dim``, starting
    every ``step``, as a new last dimension; dim becomes the number of windows,
    (n - size) // step + 1. dL/dx adds each window's gradient back where the window came
    from (overlapping windows add up).

    On the CPU the result is a strided view of x, as PyTorch's (read-only here: write to a
    ``.clone()``); elsewhere it is a gather.
    """
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, dim, size, step):
        xp = get_array_module(x)
        count = (x.shape[dim] - size) // step + 1
        ctx.shape, ctx.dtype, ctx.dim = x.shape, x.dtype, dim
        # window w, element j comes from position w * step + j along dim
        ctx.index = (slice(None),) * dim + (
            xp.arange(count).reshape(-1, 1) * step + xp.arange(size),)
        if xp is np:
            windows = np.lib.stride_tricks.sliding_window_view(x, size, axis=dim)
            return windows[(slice(None),) * dim + (slice(None, None, step),)]
        gathered = x[ctx.index]  # (..., count, size, ...): the window axis right after dim
        return xp.moveaxis(gathered, dim + 1, -1)

    @staticmethod
    def backward(ctx, grad):
        xp = get_array_module(grad)
        ndim = grad.ndim  # moves the window axis (last) back to just after dim
        order = tuple(range(ctx.dim + 1)) + (ndim - 1,) + tuple(range(ctx.dim + 1, ndim - 1))
        g = xp.transpose(grad, order)
        return _index_backward(get_array_module(ctx.index[-1]), g, ctx.shape, ctx.dtype,
                               ctx.index), None, None, None


def unfold(input: Any, dimension: int, size: int, step: int) -> Any:
    """Windows of ``size`` along ``dimension``, one every ``step``, as a new last dimension.

    Examples:
        >>> import autograd as ag
        >>> ag.arange(5).unfold(0, 2, 1)
        tensor([[0, 1],
                [1, 2],
                [2, 3],
                [3, 4]])
    """
    ndim = input.ndim
    dim = normalize_dims(dimension, ndim)[0] if ndim else 0
    length = input.shape[dim] if ndim else 1
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if size < 0 or size > length:
        raise RuntimeError(
            f"maximum size for tensor at dimension {dim} is {length} but size is {size}"
        )
    if ndim == 0:  # a scalar is one window of itself (or none, for size 0), as in PyTorch
        return reshape(input, 1) if size else reshape(input, 1)[0:0]
    return Unfold.apply(input, dim, size, step)


class Scatter(Op):
    """y = x with y[index[i][j]][j] = src[i][j] (dim=0), as ``torch.scatter``;
    dL/dx = g with zeros where y was overwritten, dL/dsrc = g gathered at index.

    ``src`` reaches forward already cut to index's shape (or a number). Where an index
    repeats, one of the writes wins (PyTorch leaves which undefined).
    """
    tensor_inputs = (0, 3)

    @staticmethod
    def forward(ctx, x, index, dim, src):
        xp = get_array_module(x)
        ctx.index = _full_index(index, dim)
        out = x.copy()
        out[ctx.index] = src
        kept = xp.ones(x.shape, dtype=bool)
        kept[ctx.index] = False
        ctx.save_for_backward(kept)
        return out

    @staticmethod
    def backward(ctx, grad):
        (kept,) = ctx.saved_tensors
        need_x, _, _, need_src = ctx.needs_input_grad
        xp = get_array_module(grad)
        grad_x = xp.where(kept, grad, 0.0) if need_x else None
        return grad_x, None, None, (grad[ctx.index] if need_src else None)


def scatter(input: Any, dim: int, index: Any, src: Any = None, *, value: Any = None,
            reduce: Any = None) -> Any:
    """``input`` with the values of ``src`` (or the number ``value``) written at ``index`` along
    ``dim``: ``out[index[i][j]][j] = src[i][j]`` for dim=0.

    Examples:
        >>> import autograd as ag
        >>> ag.zeros(3).scatter(0, ag.tensor([2, 0]), ag.tensor([5.0, 7.0]))
        tensor([7., 0., 5.])
    """
    if reduce is not None:
        raise NotImplementedError("scatter(reduce=...) is not supported; use scatter_add-style "
                                  "code with index_put or a one-hot matmul")
    if src is None:
        src = value
    if src is None:
        raise TypeError("scatter() missing the values to write: pass src (a tensor) or value=")
    ndim = input.ndim
    dim = normalize_dims(dim, ndim)[0] if ndim else 0
    raw = unwrap(index)
    if getattr(raw, "dtype", None) is None or raw.dtype != np.int64:
        raise RuntimeError(f"scatter(): Expected dtype int64 for index, got "
                           f"{getattr(index, 'dtype', type(index).__name__)}")
    if hasattr(index, "grad_fn") and index.device != input.device:
        raise RuntimeError(
            f"Expected all tensors to be on the same device, but found at least two devices, "
            f"{input.device} and {index.device}! (scatter's index)"
        )
    shape, index_shape = tuple(input.shape), tuple(raw.shape)
    is_tensor = hasattr(src, "grad_fn")
    if ndim == 0:
        raise RuntimeError("scatter(): input must have at least one dimension; reshape(1) it")
    if raw.size == 0:
        return Clone.apply(input)
    if len(index_shape) != ndim or any(
        m > n for d, (m, n) in enumerate(zip(index_shape, shape)) if d != dim
    ):
        raise RuntimeError(
            f"scatter(): index of shape {index_shape} does not fit input of shape {shape}: it "
            f"needs as many dims, and no larger size except in dimension {dim}"
        )
    check_in_range(raw, 0, shape[dim], lambda v: RuntimeError(
        f"scatter(): index {v} is out of bounds for dimension {dim} with size {shape[dim]}"))
    if is_tensor:
        if src.dtype != input.dtype:
            raise RuntimeError(f"scatter(): Expected self.dtype to be equal to src.dtype "
                               f"({input.dtype} vs {src.dtype})")
        if src.ndim != ndim or any(m > n for m, n in zip(index_shape, src.shape)):
            raise RuntimeError(
                f"scatter(): index of shape {index_shape} is larger than src of shape "
                f"{tuple(src.shape)}"
            )
        if tuple(src.shape) != index_shape:  # only the index-shaped corner of src is read
            src = GetItem.apply(src, tuple(slice(0, n) for n in index_shape))
    elif getattr(src, "ndim", 0) != 0:
        raise TypeError(f"scatter(): value must be a number, got {type(src).__name__}")
    return Scatter.apply(input, raw, dim, src)



# --- select, diagonal, movedim, index_add -------------------------------------------------------

def select(input: Any, dim: int, index: int) -> Any:
    """The slice at ``index`` along ``dim``, that dimension removed (``x.select(1, 0)`` is ``x[:,
    0]``).

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([[1, 2], [3, 4]]).select(1, 0)
        tensor([1, 3])
    """
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = normalize_dims(dim, input.ndim)[0]
    size = input.shape[d]
    if not -size <= index < size:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
            f"dimension {dim}"
        )
    return GetItem.apply(input, (slice(None),) * d + (int(index),))


def movedim(input: Any, source: Any, destination: Any) -> Any:
    """``input`` with the dims ``source`` moved to the positions ``destination``, the others keeping
    their order (a view).

    Examples:
        >>> import autograd as ag
        >>> ag.zeros(2, 3, 4).movedim(0, -1).shape
        autograd.Size([3, 4, 2])
    """
    n = input.ndim
    src = tuple(normalize_dims(d, n)[0] for d in (source if isinstance(source, (tuple, list))
                                                   else (source,)))
    dst = tuple(normalize_dims(d, n)[0] for d in (destination if isinstance(
        destination, (tuple, list)) else (destination,)))
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise RuntimeError(f"movedim: repeated dim in source {source} or destination "
                           f"{destination}")
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
            f"contain the same number of dims as destination ({list(dst)} dims)"
        )
    order = [i for i in range(n) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return Permute.apply(input, tuple(order))


def _writable_diagonal(x: Any, offset: int, dim1: int, dim2: int) -> Any:
    """The diagonal of x as a view that writes through to x, as PyTorch's (numpy's own
    diagonal view is read-only)."""
    out = get_array_module(x).diagonal(x, offset, dim1, dim2)
    if type(out) is np.ndarray and x.flags.writeable:
        out.flags.writeable = True
    return out


class Diagonal(ViewOp):
    """y = the diagonal of x over dims (dim1, dim2), offset ``offset`` (> 0 above the main
    diagonal), as the last dim of y, a view of x;  dL/dx = zeros with dL/dy on that diagonal."""
    backward_name = "DiagonalBackward0"
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        ctx.shape, ctx.args = x.shape, (offset, dim1, dim2)
        return _writable_diagonal(x, offset, dim1, dim2)

    @staticmethod
    def backward(ctx, grad):
        if hasattr(grad, "grad_fn"):  # create_graph: a recorded op, differentiable again
            return DiagonalScatter.apply(grad, ctx.shape, *ctx.args), None, None, None
        return _diagonal_scatter(grad, ctx.shape, *ctx.args), None, None, None


class DiagonalScatter(Op):
    """y = zeros of ``shape`` with g on the diagonal (offset, dim1, dim2): the adjoint of
    :class:`Diagonal`, so that its gradient is Diagonal again (create_graph)."""
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, g, shape, offset, dim1, dim2):
        ctx.args = (offset, dim1, dim2)
        return _diagonal_scatter(g, shape, offset, dim1, dim2)

    @staticmethod
    def backward(ctx, grad):
        if hasattr(grad, "grad_fn"):
            return Diagonal.apply(grad, *ctx.args), None, None, None, None
        return get_array_module(grad).diagonal(grad, *ctx.args).copy(), None, None, None, None


def _diagonal_scatter(g: Any, shape: tuple, offset: int, dim1: int, dim2: int) -> Any:
    """Zeros of ``shape`` with g written on the diagonal (offset, dim1, dim2)."""
    out = get_array_module(g).zeros(shape, dtype=g.dtype)
    _writable_diagonal(out, offset, dim1, dim2)[...] = g
    return out


def diagonal(input: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Any:
    """The diagonal over ``dim1`` and ``dim2`` as the last dimension (a view); ``offset`` > 0 above
    the main diagonal, < 0 below.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([[1, 2], [3, 4]]).diagonal()
        tensor([1, 4])
    """
    d1, d2 = normalize_dims(dim1, input.ndim)[0], normalize_dims(dim2, input.ndim)[0]
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(input, int(offset), d1, d2)


class IndexAdd(Op):
    """y = x with alpha * source added at ``index`` along ``dim`` (repeated indices add up);
    dL/dx = g, dL/dsource = alpha * g at index along dim."""
    backward_name = "IndexAddBackward0"
    tensor_inputs = (0, 3)

    @staticmethod
    def forward(ctx, x, dim, index, source, alpha):
        ctx.dim, ctx.index, ctx.alpha = dim, index, alpha
        xp = get_array_module(x)
        out = x.copy()
        values = source * alpha if alpha != 1 else source
        scatter_add(xp.moveaxis(out, dim, 0), index,
                            xp.moveaxis(xp.asarray(values, dtype=x.dtype), dim, 0))
        return out

    @staticmethod
    def backward(ctx, grad):
        need_x, _, _, need_s, _ = ctx.needs_input_grad
        grad_s = None
        if need_s:
            grad_s = grad[(slice(None),) * ctx.dim + (ctx.index,)]
            if ctx.alpha != 1:
                grad_s = grad_s * ctx.alpha
        return (grad if need_x else None), None, None, grad_s, None


def index_add(input: Any, dim: int, index: Any, source: Any, *, alpha: float = 1) -> Any:
    """``input`` with ``alpha * source`` added at the entries ``index`` (1-D, integer) along
    ``dim``; repeated indices add up.

    Examples:
        >>> import autograd as ag
        >>> ag.zeros(3).index_add(0, ag.tensor([0, 0, 2]), ag.tensor([1.0, 2.0, 3.0]))
        tensor([3., 0., 3.])
    """
    raw = unwrap(index)
    d = normalize_dims(dim, input.ndim)[0] if input.ndim else 0
    if raw.ndim > 1 or raw.dtype.kind not in "iu":
        raise IndexError("index_add_(): Index is supposed to be a vector of integers")
    expected = tuple(input.shape[:d]) + (raw.size,) + tuple(input.shape[d + 1:])
    if input.ndim and tuple(source.shape) != expected:
        raise RuntimeError(
            f"index_add_(): source of shape {tuple(source.shape)} does not match the "
            f"expected shape {expected} (input {tuple(input.shape)}, {raw.size} indices "
            f"along dim {dim})"
        )
    size = input.shape[d] if input.ndim else 1
    if raw.size:
        check_in_range(raw, -size, size, lambda v: IndexError(
            f"index_add_(): index {v} is out of bounds for dimension {dim} with size {size}"))
    _same_device(input, index, "index_add's index")
    return IndexAdd.apply(input, d, raw.reshape(-1), source, alpha)
