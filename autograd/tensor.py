"""The Tensor: an array, the node that made it, and its gradient.

A Tensor holds its values in ``_array`` (a numpy or CuPy array), the node of
the graph that computed it in ``grad_fn`` (None for a leaf), and, after
``backward()``, the gradient in ``grad``. Tensors that share memory (``detach()``,
views from basic indexing, ``reshape``, ``transpose``, ...) share one version
counter (a one-element list), which every in-place write moves on, so that
backward can refuse values that were changed after an op saved them.

Methods and operators are one-line wrappers over the ops in ``autograd.ops``;
the maths lives there, forward and backward side by side.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from . import backend, dtypes
from . import engine as _engine
from .function import _set_tensor_class, retain
from .grad_mode import is_grad_enabled
from .ops import arithmetic as A
from .ops import inplace as I
from .ops import linalg as L
from .ops import namespace as _namespace
from .ops import reduction as R
from .ops import select as S
from .ops import shape as SH
from .ops import unary as U
from .size import Size

__all__ = ["Tensor"]


class Tensor:
    """A multi-dimensional array that records the operations applied to it.

    Make one with ``ag.tensor(data, dtype=None, requires_grad=False, device=None)``.
    After ``loss.backward()``, every leaf tensor with ``requires_grad=True``
    holds dL/dtensor in ``.grad``.
    """

    __slots__ = ("_array", "_grad", "grad_fn", "_requires_grad", "_version_counter",
                 "__weakref__")
    __array_ufunc__ = None  # numpy defers to our reflected operators: ndarray * Tensor
    __hash__ = object.__hash__  # == is element-wise, so hashing goes by identity, as in PyTorch

    def __init__(self, data: Any, dtype: Any = None, requires_grad: bool = False,
                 device: Any = None, grad_fn: Any = None, version_counter: list | None = None):
        """``data`` (numbers, nested lists, an array) as a tensor, sharing an array's memory.

        ``grad_fn`` and ``version_counter`` are the engine's: the node that computed
        ``data``, and the counter of the tensor whose memory ``data`` views. (The engine
        passes all six positionally: a call with keywords costs a third more.)
        """
        if dtype is not None or device is not None or type(data) not in backend.ARRAY_TYPES:
            data = backend.as_array(data, dtype, device)
        self._array = data
        self._grad = None
        self.grad_fn = grad_fn
        self._requires_grad = grad_fn is not None
        self._version_counter = [0] if version_counter is None else version_counter
        if requires_grad:
            self.requires_grad_(True)

    @staticmethod
    def _array_namespace() -> Any:
        """The ``xp`` of a backward rule run on Tensors (create_graph=True): numpy's names
        over Tensors."""
        return _namespace

    # --- autograd state --------------------------------------------------------------
    @property
    def data(self) -> Tensor:
        """The same values, cut from the graph: a Tensor sharing this one's memory whose
        in-place writes backward does not check (PyTorch's ``._array``). Assigning a
        Tensor replaces the values."""
        return Tensor(self._array)

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, not {type(value).__name__}")
        self._array = value._array

    @property
    def grad(self) -> Tensor | None:
        """dL/dself after ``backward()``: kept for leaves and ``retain_grad()`` tensors."""
        grad = self._grad
        if grad is None and self.grad_fn is not None and not self.retains_grad:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. "
                "Its .grad attribute won't be populated during autograd.backward(). If you "
                "indeed want the .grad field to be populated for a non-leaf Tensor, use "
                ".retain_grad() on the non-leaf Tensor.", UserWarning, stacklevel=2)
        return grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            _check_grad(self, value)
        self._grad = value

    @property
    def _version(self) -> int:
        """How many in-place writes this tensor's memory has had (shared with its views)."""
        return self._version_counter[0]

    @_version.setter
    def _version(self, value: int) -> None:
        self._version_counter[0] = value

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if self.grad_fn is not None and not requires_grad:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables; use .detach() to "
                "get a tensor that does not require grad"
            )
        if requires_grad and self._array.dtype.kind != "f":
            raise RuntimeError(
                f"only Tensors of floating point dtype can require gradients, this one is "
                f"{self.dtype}; convert it with .float() first"
            )
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    def retain_grad(self) -> None:
        """Keep dL/dself in ``.grad`` after backward, though self is not a leaf."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:
            retain(self.grad_fn, self)

    @property
    def retains_grad(self) -> bool:
        fn = self.grad_fn
        return fn is not None and fn._retained is not None and fn._retained() is self

    def backward(self, gradient: Any = None, retain_graph: bool | None = None,
                 create_graph: bool = False, inputs: Any = None) -> None:
        """Compute d self / d leaf for every leaf that requires grad, into ``leaf.grad``."""
        if retain_graph is None:
            retain_graph = create_graph
        _engine.run_backward([self], [gradient], retain_graph, create_graph,
                             accumulate_into=inputs)

    def detach(self) -> Tensor:
        """The same memory, cut from the graph (in-place writes to either count for both)."""
        return Tensor(self._array, None, False, None, None, self._version_counter)

    def detach_(self) -> Tensor:
        self.grad_fn = None
        self._requires_grad = False
        return self

    # --- properties ------------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return Size(self._array.shape)

    @property
    def ndim(self) -> int:
        return self._array.ndim

    @property
    def dtype(self) -> dtypes.DType:
        return dtypes.from_numpy_dtype(self._array.dtype)

    @property
    def device(self) -> backend.Device:
        return backend.device_of(self._array)

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    @property
    def T(self) -> Tensor:
        return SH.permute(self, tuple(range(self.ndim - 1, -1, -1)))

    @property
    def mT(self) -> Tensor:
        return SH.transpose(self, -2, -1)

    def size(self, dim: int | None = None) -> Any:
        return Size(self._array.shape) if dim is None else self._array.shape[dim]

    def dim(self) -> int:
        return self._array.ndim

    def numel(self) -> int:
        return int(self._array.size)

    def element_size(self) -> int:
        return self._array.dtype.itemsize

    def is_floating_point(self) -> bool:
        return self._array.dtype.kind == "f"

    def __len__(self) -> int:
        if self._array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._array.shape[0]

    def __iter__(self):
        if self._array.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._array.shape[0]))

    # --- conversion ------------------------------------------------------------------
    def numpy(self) -> np.ndarray:
        if self.device.type != "cpu":
            raise TypeError(
                f"can't convert {self.device} device type tensor to numpy. Use Tensor.cpu() to "
                "copy the tensor to host memory first."
            )
        if self._requires_grad:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return self._array

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        arr = self.numpy()
        return arr if dtype is None else arr.astype(dtype)

    def item(self) -> Any:
        if self._array.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._array.size} elements cannot be converted to Scalar"
            )
        return backend.item(self._array)

    def tolist(self) -> Any:
        return backend.to_numpy(self._array).tolist()

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._array.dtype.kind not in "iu" or self._array.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __bool__(self) -> bool:
        if self._array.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with more than one value is ambiguous (shape "
                f"{tuple(self.shape)}); use .any() or .all()"
            )
        return bool(self.item())

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """``.to(device)``, ``.to(dtype)`` or ``.to(device, dtype)``, as in PyTorch.

        ``non_blocking`` is accepted and ignored (copies are synchronous here);
        ``copy=True`` returns a new tensor even where nothing changes.
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
        out = self
        if device is not None:
            out = _to_device(out, backend.Device(device))
        if dtype is not None:
            np_dtype = dtypes.to_numpy_dtype(dtype)
            if np_dtype != out._array.dtype:
                out = SH.ToDtype.apply(out, np_dtype)
        return out.clone() if copy and out is self else out

    def cpu(self) -> Tensor:
        return self.to("cpu")

    def cuda(self, device: Any = None) -> Tensor:
        return self.to("cuda" if device is None else backend.Device(
            f"cuda:{device}" if isinstance(device, int) else device))

    def float(self) -> Tensor:
        return self.to(dtypes.float32)

    def double(self) -> Tensor:
        return self.to(dtypes.float64)

    def half(self) -> Tensor:
        return self.to(dtypes.float16)

    def long(self) -> Tensor:
        return self.to(dtypes.int64)

    def int(self) -> Tensor:
        return self.to(dtypes.int32)

    def bool(self) -> Tensor:
        return self.to(dtypes.bool_)

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    def clone(self) -> Tensor:
        return SH.Clone.apply(self)

    def contiguous(self) -> Tensor:
        return self

    # --- repr ------------------------------------------------------------------------
    def __repr__(self) -> str:
        from .printing import tensor_repr

        grad = None
        if self.grad_fn is not None:
            grad = f"grad_fn=<{self.grad_fn.name()}>"
        elif self._requires_grad:
            grad = "requires_grad=True"
        device = str(self.device) if self.device.type != "cpu" else None
        return tensor_repr(backend.to_numpy(self._array), str(self.dtype), dtypes.default_float(),
                           device, grad)

    # --- arithmetic ------------------------------------------------------------------
    def __add__(self, other: Any) -> Tensor:
        return A.Add.apply(self, _operand(self, other))

    def __radd__(self, other: Any) -> Tensor:
        return A.Add.apply(_operand(self, other), self)

    def __sub__(self, other: Any) -> Tensor:
        return A.Sub.apply(self, _operand(self, other))

    def __rsub__(self, other: Any) -> Tensor:
        return A.Sub.apply(_operand(self, other), self)

    def __mul__(self, other: Any) -> Tensor:
        return A.Mul.apply(self, _operand(self, other))

    def __rmul__(self, other: Any) -> Tensor:
        return A.Mul.apply(_operand(self, other), self)

    def __truediv__(self, other: Any) -> Tensor:
        return A.Div.apply(self, _operand(self, other))

    def __rtruediv__(self, other: Any) -> Tensor:
        return A.Div.apply(_operand(self, other), self)

    def __floordiv__(self, other: Any) -> Tensor:
        return A.FloorDivide.apply(self, _operand(self, other))

    def __rfloordiv__(self, other: Any) -> Tensor:
        return A.FloorDivide.apply(_operand(self, other), self)

    def __mod__(self, other: Any) -> Tensor:
        return A.Remainder.apply(self, _operand(self, other))

    def __rmod__(self, other: Any) -> Tensor:
        return A.Remainder.apply(_operand(self, other), self)

    def __pow__(self, other: Any) -> Tensor:
        return A.Pow.apply(self, _operand(self, other))

    def __rpow__(self, other: Any) -> Tensor:
        return A.Pow.apply(_operand(self, other), self)

    def __matmul__(self, other: Any) -> Tensor:
        return L.MatMul.apply(self, _operand(self, other))

    def __rmatmul__(self, other: Any) -> Tensor:
        return L.MatMul.apply(_operand(self, other), self)

    def __neg__(self) -> Tensor:
        return A.Neg.apply(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return U.Abs.apply(self)

    def add(self, other: Any, alpha: float = 1) -> Tensor:
        return A.add(self, _operand(self, other), alpha)

    def sub(self, other: Any, alpha: float = 1) -> Tensor:
        return A.sub(self, _operand(self, other), alpha)

    def mul(self, other: Any) -> Tensor:
        return A.Mul.apply(self, _operand(self, other))

    def div(self, other: Any) -> Tensor:
        return A.Div.apply(self, _operand(self, other))

    def floor_divide(self, other: Any) -> Tensor:
        return A.FloorDivide.apply(self, _operand(self, other))

    def remainder(self, other: Any) -> Tensor:
        return A.Remainder.apply(self, _operand(self, other))

    def pow(self, exponent: Any) -> Tensor:
        return A.Pow.apply(self, _operand(self, exponent))

    def neg(self) -> Tensor:
        return A.Neg.apply(self)

    def square(self) -> Tensor:
        return A.Mul.apply(self, self)

    def matmul(self, other: Tensor) -> Tensor:
        return L.MatMul.apply(self, _operand(self, other))

    # --- comparisons (bool tensors, no gradient) -------------------------------------
    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return _compare(self, other, "__eq__")

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return _compare(self, other, "__ne__")

    def __lt__(self, other: Any) -> Tensor:
        return _compare(self, other, "__lt__")

    def __le__(self, other: Any) -> Tensor:
        return _compare(self, other, "__le__")

    def __gt__(self, other: Any) -> Tensor:
        return _compare(self, other, "__gt__")

    def __ge__(self, other: Any) -> Tensor:
        return _compare(self, other, "__ge__")

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def __invert__(self) -> Tensor:
        if self._array.dtype.kind not in "biu":
            raise TypeError("~ (bitwise not) is only defined for bool and integer tensors")
        return Tensor(~self._array)

    def __and__(self, other: Any) -> Tensor:
        return Tensor(self._array & _raw(other))

    def __or__(self, other: Any) -> Tensor:
        return Tensor(self._array | _raw(other))

    def __xor__(self, other: Any) -> Tensor:
        return Tensor(self._array ^ _raw(other))

    def logical_not(self) -> Tensor:
        return Tensor(backend.get_array_module(self._array).logical_not(self._array))

    def all(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        axes = R.normalize_dims(dim, self.ndim)
        return Tensor(self._array.astype(bool).all(axis=axes, keepdims=keepdim))

    def any(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        axes = R.normalize_dims(dim, self.ndim)
        return Tensor(self._array.astype(bool).any(axis=axes, keepdims=keepdim))

    def isnan(self) -> Tensor:
        return Tensor(backend.get_array_module(self._array).isnan(self._array))

    def isfinite(self) -> Tensor:
        return Tensor(backend.get_array_module(self._array).isfinite(self._array))

    def sign(self) -> Tensor:
        """sign(x) in {-1, 0, 1}; its derivative is 0 (a zero gradient flows, as in PyTorch)."""
        return U.Sign.apply(self)

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        return _arg_extreme(self, dim, keepdim, "argmax")

    def argmin(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        return _arg_extreme(self, dim, keepdim, "argmin")

    # --- element-wise functions ------------------------------------------------------
    def exp(self) -> Tensor:
        return U.Exp.apply(self)

    def log(self) -> Tensor:
        return U.Log.apply(self)

    def sqrt(self) -> Tensor:
        return U.Sqrt.apply(self)

    def abs(self) -> Tensor:
        return U.Abs.apply(self)

    def sin(self) -> Tensor:
        return U.Sin.apply(self)

    def cos(self) -> Tensor:
        return U.Cos.apply(self)

    def tanh(self) -> Tensor:
        return U.Tanh.apply(self)

    def sigmoid(self) -> Tensor:
        return U.Sigmoid.apply(self)

    def relu(self) -> Tensor:
        return U.Relu.apply(self)

    def clamp(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
        return S.clamp(self, min, max)

    clip = clamp

    def maximum(self, other: Any) -> Tensor:
        return S.Maximum.apply(self, _operand(self, other))

    def minimum(self, other: Any) -> Tensor:
        return S.Minimum.apply(self, _operand(self, other))

    def where(self, condition: Any, other: Any) -> Tensor:
        return S.Where.apply(_raw(condition), self, _operand(self, other))

    def masked_fill(self, mask: Any, value: Any) -> Tensor:
        return S.masked_fill(self, mask, value)

    # --- reductions ------------------------------------------------------------------
    def sum(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: bool | None = None) -> Tensor:
        return R.sum(self, axis if dim is None else dim, keepdim if keepdims is None else keepdims)

    def mean(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
             keepdims: bool | None = None) -> Tensor:
        return R.mean(self, axis if dim is None else dim,
                      keepdim if keepdims is None else keepdims)

    def max(self, dim: Any = None, keepdim: bool = False) -> Any:
        """``max()`` is the largest value; ``max(dim)`` is (values, indices), as in PyTorch."""
        if isinstance(dim, Tensor):
            return self.maximum(dim)
        if dim is None:
            return R.amax(self)
        return _values_indices(self, dim, keepdim, "argmax")

    def min(self, dim: Any = None, keepdim: bool = False) -> Any:
        if isinstance(dim, Tensor):
            return self.minimum(dim)
        if dim is None:
            return R.amin(self)
        return _values_indices(self, dim, keepdim, "argmin")

    def amax(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        return R.amax(self, dim, keepdim)

    def amin(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        return R.amin(self, dim, keepdim)

    def var(self, dim: Any = None, *, correction: int = 1, keepdim: bool = False,
            unbiased: bool | None = None) -> Tensor:
        return R.var(self, dim, correction=correction, keepdim=keepdim, unbiased=unbiased)

    def std(self, dim: Any = None, *, correction: int = 1, keepdim: bool = False,
            unbiased: bool | None = None) -> Tensor:
        return U.Sqrt.apply(R.var(self, dim, correction=correction, keepdim=keepdim,
                                  unbiased=unbiased))

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Tensor:
        if p == "fro" or p == 2:
            return R.norm2(self, dim, keepdim)
        if p == 1:
            return R.sum(U.Abs.apply(self), dim, keepdim)
        if p in (float("inf"), float("-inf")):
            return (R.amax if p > 0 else R.amin)(U.Abs.apply(self), dim, keepdim)
        return R.sum(U.Abs.apply(self) ** p, dim, keepdim) ** (1.0 / p)

    def logsumexp(self, dim: Any, keepdim: bool = False) -> Tensor:
        return R.logsumexp(self, dim, keepdim)

    def softmax(self, dim: int) -> Tensor:
        return R.softmax(self, dim)

    def log_softmax(self, dim: int) -> Tensor:
        return R.log_softmax(self, dim)

    # --- shape -----------------------------------------------------------------------
    def reshape(self, *args: Any, shape: Any = None) -> Tensor:
        return SH.reshape(self, *_sizes(args, shape, "reshape", "shape"))

    def view(self, *args: Any, size: Any = None) -> Tensor:
        return SH.reshape(self, *_sizes(args, size, "view", "size"))

    def view_as(self, other: Tensor) -> Tensor:
        return SH.reshape(self, other.shape)

    def reshape_as(self, other: Tensor) -> Tensor:
        return SH.reshape(self, other.shape)

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        return SH.transpose(self, dim0, dim1)

    swapaxes = transpose

    def t(self) -> Tensor:
        if self.ndim > 2:
            raise RuntimeError(
                f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D"
            )
        return SH.transpose(self, 0, 1) if self.ndim == 2 else self

    def permute(self, *args: Any, dims: Any = None) -> Tensor:
        return SH.permute(self, *_sizes(args, dims, "permute", "dims"))

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        return SH.flatten(self, start_dim, end_dim)

    def unsqueeze(self, dim: int) -> Tensor:
        return SH.unsqueeze(self, dim)

    def squeeze(self, dim: Any = None) -> Tensor:
        return SH.squeeze(self, dim)

    def expand(self, *args: Any, size: Any = None) -> Tensor:
        return SH.expand(self, *_sizes(args, size, "expand", "size"))

    def expand_as(self, other: Tensor) -> Tensor:
        return SH.expand(self, other.shape)

    def gather(self, dim: int, index: Tensor) -> Tensor:
        return SH.gather(self, dim, index)

    def __getitem__(self, index: Any) -> Tensor:
        return SH.GetItem.apply(self, _index(self, index))

    def __setitem__(self, index: Any, value: Any) -> None:
        from .ops.inplace import setitem

        setitem(self, _index(self, index), value)

    # --- in place (for parameter updates under no_grad, as in PyTorch) -----------------
    def zero_(self) -> Tensor:
        from .ops.inplace import fill_

        return fill_(self, 0)

    def fill_(self, value: Any) -> Tensor:
        from .ops.inplace import fill_

        return fill_(self, value)

    def copy_(self, src: Any) -> Tensor:
        from .ops.inplace import copy_

        return copy_(self, src)

    def add_(self, other: Any, alpha: float = 1) -> Tensor:
        from .ops.inplace import inplace

        return inplace(self, "add", _scaled(other, alpha))

    def sub_(self, other: Any, alpha: float = 1) -> Tensor:
        from .ops.inplace import inplace

        return inplace(self, "subtract", _scaled(other, alpha))

    def mul_(self, other: Any) -> Tensor:
        from .ops.inplace import inplace

        return inplace(self, "multiply", other)

    def div_(self, other: Any) -> Tensor:
        from .ops.inplace import inplace

        return inplace(self, "true_divide", other)

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
        from .ops.inplace import clamp_

        return clamp_(self, min, max)

    def uniform_(self, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Tensor:
        from .random import uniform_

        return uniform_(self, a, b, generator)

    def normal_(self, mean: float = 0.0, std: float = 1.0, generator: Any = None) -> Tensor:
        from .random import normal_

        return normal_(self, mean, std, generator)

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

    # --- more of PyTorch's methods (thin wrappers) -------------------------------------
    def prod(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        return R.prod(self, dim, keepdim)

    def cumsum(self, dim: int) -> Tensor:
        return R.cumsum(self, dim)

    def flip(self, *dims: Any) -> Tensor:
        return SH.flip(self, *dims)

    def roll(self, shifts: Any, dims: Any = None) -> Tensor:
        return SH.roll(self, shifts, dims)

    def split(self, split_size: Any, dim: int = 0) -> tuple:
        return SH.split(self, split_size, dim)

    def chunk(self, chunks: int, dim: int = 0) -> tuple:
        return SH.chunk(self, chunks, dim)

    def unbind(self, dim: int = 0) -> tuple:
        return SH.unbind(self, dim)

    def narrow(self, dim: int, start: int, length: int) -> Tensor:
        return SH.narrow(self, dim, start, length)

    def repeat(self, *sizes: Any) -> Tensor:
        return SH.repeat(self, *sizes)

    def tile(self, *dims: Any) -> Tensor:
        return SH.tile(self, *dims)

    def index_select(self, dim: int, index: Tensor) -> Tensor:
        return SH.index_select(self, dim, index)

    def masked_select(self, mask: Tensor) -> Tensor:
        return SH.masked_select(self, mask)

    def mm(self, mat2: Tensor) -> Tensor:
        return L.mm(self, mat2)

    def bmm(self, mat2: Tensor) -> Tensor:
        return L.bmm(self, mat2)

    def dot(self, other: Tensor) -> Tensor:
        return L.dot(self, other)

    def outer(self, vec2: Tensor) -> Tensor:
        return L.outer(self, vec2)

    def floor(self) -> Tensor:
        return U.floor(self)

    def ceil(self) -> Tensor:
        return U.ceil(self)

    def trunc(self) -> Tensor:
        return U.trunc(self)

    def round(self, *, decimals: int = 0) -> Tensor:
        return U.round(self, decimals=decimals)

    def log1p(self) -> Tensor:
        return U.log1p(self)

    def expm1(self) -> Tensor:
        return U.expm1(self)

    def log2(self) -> Tensor:
        return U.log2(self)

    def log10(self) -> Tensor:
        return U.log10(self)

    def rsqrt(self) -> Tensor:
        return U.rsqrt(self)

    def reciprocal(self) -> Tensor:
        return U.reciprocal(self)

    def erf(self) -> Tensor:
        return U.erf(self)

    def atan(self) -> Tensor:
        return U.atan(self)

    def asin(self) -> Tensor:
        return U.asin(self)

    def acos(self) -> Tensor:
        return U.acos(self)

    arctan, arcsin, arccos = atan, asin, acos

    def sinh(self) -> Tensor:
        return U.sinh(self)

    def cosh(self) -> Tensor:
        return U.cosh(self)

    def lerp(self, end: Any, weight: Any) -> Tensor:
        return A.lerp(self, _operand(self, end), _operand(self, weight))

    def addcmul(self, tensor1: Any, tensor2: Any, *, value: float = 1) -> Tensor:
        return A.addcmul(self, _operand(self, tensor1), _operand(self, tensor2), value=value)

    def addcdiv(self, tensor1: Any, tensor2: Any, *, value: float = 1) -> Tensor:
        return A.addcdiv(self, _operand(self, tensor1), _operand(self, tensor2), value=value)

    def clamp_min(self, min: Any) -> Tensor:  # noqa: A002
        return S.clamp(self, min=min)

    def clamp_max(self, max: Any) -> Tensor:  # noqa: A002
        return S.clamp(self, max=max)

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
        """(values, indices) sorted along ``dim``; values carry the gradient (a gather)."""
        return _sorted(self, dim, descending, None)

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
        return _sorted(self, dim, descending, None).indices

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:  # noqa: A002
        """(values, indices) of the k largest (smallest) entries along ``dim``, largest first."""
        return _sorted(self, dim, largest, k)

    def unique(self, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
               return_counts: bool = False, dim: int | None = None) -> Any:
        """The distinct values, sorted (no gradient), with inverse indices and counts if asked."""
        if dim is not None:
            raise NotImplementedError("unique(dim=...) is not supported; flatten first")
        xp = backend.get_array_module(self._array)
        out = xp.unique(self._array, return_inverse=return_inverse, return_counts=return_counts)
        if not (return_inverse or return_counts):
            return Tensor(out)
        values, *rest = out
        if return_inverse:
            rest[0] = rest[0].reshape(self.shape).astype(np.int64)
        return (Tensor(values), *(Tensor(r.astype(np.int64)) for r in rest))

    def allclose(self, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
                 equal_nan: bool = False) -> bool:
        """|self - other| <= atol + rtol |other| everywhere (broadcasting), as a Python bool."""
        xp = backend.get_array_module(self._array)
        return bool(xp.allclose(self._array, _raw(_operand(self, other)), rtol=rtol, atol=atol,
                                equal_nan=equal_nan))

    def equal(self, other: Tensor) -> bool:
        """True when both have the same shape and the same values."""
        if not isinstance(other, Tensor):
            raise TypeError(f"equal(): argument 'other' must be Tensor, not {type(other).__name__}")
        _check_same_device(self, other)
        return self.shape == other.shape and bool((self._array == other._array).all())

    def count_nonzero(self, dim: Any = None) -> Tensor:
        axes = R.reduced_dims(dim, self.ndim)
        xp = backend.get_array_module(self._array)
        return Tensor(xp.asarray((self._array != 0).sum(axis=axes), dtype=np.int64))


    # --- more of PyTorch's names --------------------------------------------------------
    def masked_fill_(self, mask: Any, value: Any) -> Tensor:
        return I.masked_fill_(self, mask, value)

    def tril(self, diagonal: int = 0) -> Tensor:
        return SH.tril(self, diagonal)

    def triu(self, diagonal: int = 0) -> Tensor:
        return SH.triu(self, diagonal)

    def diag(self, diagonal: int = 0) -> Tensor:
        return SH.diag(self, diagonal)

    def atan2(self, other: Any) -> Tensor:
        return A.atan2(self, _operand(self, other))

    arctan2 = atan2

    def exp2(self) -> Tensor:
        return U.exp2(self)

    def scatter(self, dim: int, index: Tensor, src: Any = None, *, value: Any = None,
                reduce: Any = None) -> Tensor:
        return SH.scatter(self, dim, index, src, value=value, reduce=reduce)

    def scatter_(self, dim: int, index: Tensor, src: Any = None, *, value: Any = None,
                 reduce: Any = None) -> Tensor:
        return I.scatter_(self, dim, index, src, value=value, reduce=reduce)

    def median(self, dim: int | None = None, keepdim: bool = False) -> Any:
        return R.median(self, dim, keepdim)

    def unfold(self, dimension: int, size: int, step: int) -> Tensor:
        return SH.unfold(self, dimension, size, step)

    def register_hook(self, hook: Any) -> Any:
        from .hooks import register_hook

        return register_hook(self, hook)

    def type(self, dtype: Any = None, non_blocking: bool = False) -> Any:
        """``x.type()`` is PyTorch's type string ('torch.FloatTensor'); ``x.type(t)`` converts
        to ``t`` (a dtype, a legacy type such as ag.DoubleTensor, or a type string)."""
        from . import legacy

        return legacy.type_string(self) if dtype is None else legacy.convert_type(self, dtype)

    def __format__(self, format_spec: str) -> str:
        if self._array.ndim == 0:  # a 0-d tensor formats as its number: f"{loss:.4f}"
            return self.item().__format__(format_spec)
        return object.__format__(self, format_spec)  # TypeError for a non-empty spec


_set_tensor_class(Tensor)


def _in_place_twin(name: str) -> Any:
    method = getattr(Tensor, name)

    def twin(self: Tensor) -> Tensor:
        return I.apply_(self, method)

    twin.__name__ = twin.__qualname__ = name + "_"
    twin.__doc__ = f"In place: ``x.{name}()`` written into x (recorded on the graph as well)."
    return twin


# The in-place twins of the element-wise methods, as in PyTorch: x.relu_() is x.relu()
# written into x, and returns x (ops.inplace.apply_ records it or writes the array).
IN_PLACE_TWINS = ("neg", "square", "sign", "exp", "log", "sqrt", "abs", "sin", "cos", "tanh",
                  "sigmoid", "relu", "floor", "ceil", "trunc", "log1p", "expm1", "log2",
                  "log10", "rsqrt", "reciprocal", "erf", "atan", "asin", "acos", "sinh", "cosh")
for _name in IN_PLACE_TWINS:
    setattr(Tensor, _name + "_", _in_place_twin(_name))


# --- helpers the methods share ------------------------------------------------------------

def _check_grad(t: Tensor, value: Any) -> None:
    """Refuse a ``.grad`` that does not fit ``t``, in PyTorch's words: an optimizer would
    broadcast it silently into the update."""
    if not isinstance(value, Tensor):
        raise TypeError(
            f"assigned grad expected to be a Tensor or None but got grad of type "
            f"{type(value).__name__}")
    if value.device != t.device:
        raise RuntimeError(
            f"assigned grad has data located on a different device: the tensor is on "
            f"{t.device}, the grad on {value.device}")
    if value._array.dtype != t._array.dtype:
        raise RuntimeError(
            f"assigned grad has data of a different type: the tensor is {t.dtype}, the grad "
            f"{value.dtype}")
    if value._array.shape != t._array.shape:
        raise RuntimeError(
            f"assigned grad has data of a different size: the tensor has shape "
            f"{tuple(t.shape)}, the grad {tuple(value.shape)}")


def _operand(self: Tensor, other: Any) -> Any:
    """The other operand of a binary op: a Tensor, a Python number, or an array on self's device."""
    if isinstance(other, Tensor):
        if type(other._array) is not type(self._array):
            _check_same_device(self, other)
        return other
    if isinstance(other, (int, float, bool, np.generic)):
        return other
    if isinstance(other, (list, tuple)):
        raise TypeError(
            f"unsupported operand: a {type(other).__name__}; wrap it with ag.tensor(...) first"
        )
    if hasattr(other, "shape") and hasattr(other, "dtype"):
        return Tensor(backend.asarray(other, device=self.device))
    raise TypeError(f"unsupported operand type for a Tensor: {type(other).__name__}")


def _check_same_device(a: Tensor, b: Tensor) -> None:
    if a.device != b.device:
        raise RuntimeError(
            f"Expected all tensors to be on the same device, but found at least two devices, "
            f"{a.device} and {b.device}!"
        )


def _sizes(args: tuple, keyword: Any, method: str, name: str) -> tuple:
    """Sizes given as ``*args`` or as the keyword ``name=`` (not both), as PyTorch takes them."""
    if keyword is None:
        return args
    if args:
        raise TypeError(f"{method}() got sizes both positionally and as {name}=")
    return (keyword,)


def _raw(x: Any) -> Any:
    return x._array if isinstance(x, Tensor) else x


def _scaled(other: Any, alpha: float) -> Any:
    """alpha * other for add_/sub_: a recorded op only when other's gradient is needed."""
    if alpha == 1:
        return other
    if is_grad_enabled() and getattr(other, "_requires_grad", False):
        return other * alpha
    return _raw(other) * alpha


def _compare(self: Tensor, other: Any, op: str) -> Tensor:
    other = _operand(self, other)
    a, b = dtypes.promote_operands(self._array, _raw(other))
    return Tensor(getattr(a, op)(b))


def _arg_extreme(self: Tensor, dim: Any, keepdim: bool, name: str) -> Tensor:
    if dim is not None and self.ndim == 0:
        R.normalize_dims(dim, 0)  # a scalar takes dim 0 or -1, as in PyTorch
        dim = None
    if dim is None:
        out = getattr(self._array.reshape(-1), name)()
        out = backend.get_array_module(self._array).asarray(out, dtype=np.int64)
        return Tensor(out.reshape((1,) * self.ndim) if keepdim else out)
    axis = R.normalize_dims(dim, self.ndim)[0]
    out = getattr(self._array, name)(axis=axis, keepdims=keepdim).astype(np.int64)
    return Tensor(out)


class _ValuesIndices(tuple):
    """(values, indices), with PyTorch's field names."""

    @property
    def values(self) -> Tensor:
        return self[0]

    @property
    def indices(self) -> Tensor:
        return self[1]


def _values_indices(self: Tensor, dim: int, keepdim: bool, name: str) -> _ValuesIndices:
    if self.ndim == 0:  # a scalar is its own extreme, at index 0, as in PyTorch
        R.normalize_dims(dim, 0)
        zero = backend.get_array_module(self._array).zeros((), dtype=np.int64)
        return _ValuesIndices((SH.Clone.apply(self), Tensor(zero)))
    axis = R.normalize_dims(dim, self.ndim)[0]
    idx = getattr(self._array, name)(axis=axis, keepdims=True).astype(np.int64)
    values = SH.TakeAlongDim.apply(self, Tensor(idx), axis)
    if not keepdim:
        values = SH.squeeze(values, axis)
        idx = idx.squeeze(axis)
    return _ValuesIndices((values, Tensor(idx)))


def _sorted(self: Tensor, dim: int, descending: bool, k: int | None) -> _ValuesIndices:
    """(values, indices) along ``dim`` in order, the first ``k`` only when k is given."""
    if self.ndim == 0:
        R.normalize_dims(dim, 0)
        if k is not None and k > 1:
            raise RuntimeError(f"selected index k out of range: k={k} for a 0-d tensor")
        out = _sorted(SH.reshape(self, (1,)), 0, descending, k)
        return _ValuesIndices((SH.reshape(out[0], ()), Tensor(out[1]._array.reshape(()))))
    idx, axis = SH.sort_indices(self, dim, descending)
    if k is not None:
        if not 0 <= k <= self.shape[axis]:
            raise RuntimeError(
                f"selected index k out of range: k={k} for dim {dim} of size "
                f"{self.shape[axis]} (shape {tuple(self.shape)})"
            )
        idx = idx[(slice(None),) * axis + (slice(0, k),)]
    index = Tensor(idx)
    return _ValuesIndices((SH.TakeAlongDim.apply(self, index, axis), index))


def _index(self: Tensor, index: Any) -> Any:
    """An index with Tensors and lists turned into arrays on self's device."""
    if isinstance(index, tuple):
        return tuple(_index_item(self, i) for i in index)
    return _index_item(self, index)


def _index_item(self: Tensor, item: Any) -> Any:
    if isinstance(item, Tensor):
        item = item._array
        if type(item) is not type(self._array):
            item = backend.to_device(item, self.device)
        if item.dtype.kind == "f":
            raise IndexError("tensors used as indices must be long, int or bool tensors")
        return item
    if isinstance(item, list):
        return backend.asarray(np.asarray(item), device=self.device)
    if type(item) is slice and item.step is not None and item.step <= 0:
        # numpy would reverse; PyTorch refuses (use flip), so code that runs here ports.
        raise ValueError("step must be greater than zero")
    if isinstance(item, np.ndarray) and type(self._array) is not np.ndarray:
        return backend.asarray(item, device=self.device)
    return item


def _to_device(t: Tensor, device: backend.Device) -> Tensor:
    if t.device == device:
        return t
    from .ops.shape import ToDevice

    return ToDevice.apply(t, device)
