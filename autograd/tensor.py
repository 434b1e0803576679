"""The Tensor: an array, the node that made it, and its gradient.

A Tensor holds its values in ``_array`` (a numpy or CuPy array), the node of
the graph that computed it in ``grad_fn`` (None for a leaf), and, after
``backward()``, the gradient in ``grad``. Tensors that share memory (``detach()``,
views from basic indexing, ``reshape``, ``transpose``, ...) share one version
counter (a one-element list), which every in-place write moves on, so that
backward can refuse values that were changed after an op saved them.

This file holds what a Tensor is: its fields, its autograd state, its shape and
dtype, and its conversions to numbers, lists and numpy. The operations (``x + y``,
``x.exp()``, ``x.sum(dim)``, ``x.backward()``, ...) are installed on the class by
the op table, ``autograd/ops/table.py``, from the same functions that ``ag.exp``,
``ag.sum``, ... are; the maths lives in ``autograd/ops/``, forward and backward
side by side.
"""

from __future__ import annotations

import warnings
import weakref
from typing import Any

import numpy as np

from . import backend, dtypes
from .printing import tensor_repr
from .size import Size

__all__ = ["Tensor"]


class Tensor:
    """A multi-dimensional array that records the operations applied to it, for backward.

    Make one with :func:`autograd.tensor` (or ``zeros``, ``rand``, ...). An operation on a
    tensor that requires grad records a node (``grad_fn``); ``loss.backward()`` walks those
    nodes back and leaves dL/dx in ``x.grad`` for every leaf ``x`` with ``requires_grad=True``.
    ``x.exp()`` is ``ag.exp(x)``: the methods are the package's functions.

    Examples:
        >>> import autograd as ag
        >>> w = ag.tensor([1.0, -2.0], requires_grad=True)
        >>> x = ag.tensor([3.0, 0.5])
        >>> loss = (w * x).sum() ** 2
        >>> loss
        tensor(4., grad_fn=<PowBackward0>)
        >>> loss.backward()
        >>> w.grad
        tensor([12.,  2.])
    """

    __slots__ = ("_array", "_grad", "grad_fn", "_requires_grad", "_version_counter",
                 "__weakref__")
    __array_ufunc__ = None  # numpy defers to our reflected operators: ndarray * Tensor
    __hash__ = object.__hash__  # == is element-wise, so hashing goes by identity, as in PyTorch

    def __init__(self, data: Any, dtype: Any = None, requires_grad: bool = False,
                 device: Any = None, grad_fn: Any = None, version_counter: list | None = None):
        """``data`` (a number, nested lists, an array) as a tensor; an array's memory is shared.

        Prefer :func:`autograd.tensor`, which copies. ``grad_fn`` and ``version_counter`` are
        the engine's: the node that computed ``data``, and the counter of the tensor whose
        memory ``data`` views. (The engine passes all six positionally: a call with keywords
        costs a third more.)
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

    # --- autograd state --------------------------------------------------------------
    @property
    def data(self) -> Tensor:
        """The same values, cut from the graph: a Tensor sharing this one's memory.

        Writes through ``x.data`` are not recorded and backward does not check them, which is
        what an optimizer's update needs (``p.data -= lr * p.grad``). Assigning a Tensor to
        ``x.data`` replaces the values (TypeError for anything else). Prefer :meth:`detach`,
        whose in-place writes backward does check.

        Examples:
            >>> import autograd as ag
            >>> w = ag.tensor([1.0, 2.0], requires_grad=True)
            >>> w.data
            tensor([1., 2.])
            >>> w.data.mul_(10)
            tensor([10., 20.])
            >>> w
            tensor([10., 20.], requires_grad=True)
        """
        return Tensor(self._array)

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, not {type(value).__name__}")
        self._array = value._array

    @property
    def grad(self) -> Tensor | None:
        """dL/dself after ``backward()``: a tensor of self's shape, or None before any backward.

        Kept for leaves that require grad and for tensors that called :meth:`retain_grad`;
        reading it on another non-leaf warns and gives None. Gradients add up over
        backward calls: set ``x.grad = None`` (or ``optimizer.zero_grad()``) between steps.
        Assigning a tensor of another shape, dtype or device raises RuntimeError.

        Examples:
            >>> import autograd as ag
            >>> x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
            >>> (x ** 2).sum().backward()
            >>> x.grad
            tensor([2., 4., 6.])
        """
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
        """Whether operations on this tensor are recorded, so that backward finds its gradient.

        Set it on leaves (``x.requires_grad = True``); a result requires grad when an input does.

        Examples:
            >>> import autograd as ag
            >>> x = ag.tensor([1.0], requires_grad=True)
            >>> (x * 2).requires_grad, (x.detach() * 2).requires_grad
            (True, False)
        """
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place and return self (``ag.zeros(3).requires_grad_()``).

        Raises:
            RuntimeError: the tensor is not floating point, or is a non-leaf asked to stop
                requiring grad (use :meth:`detach`).

        Examples:
            >>> import autograd as ag
            >>> ag.zeros(2).requires_grad_()
            tensor([0., 0.], requires_grad=True)
        """
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
        """True for a tensor that no recorded operation made (``grad_fn`` is None).

        Examples:
            >>> import autograd as ag
            >>> x = ag.tensor([1.0], requires_grad=True)
            >>> x.is_leaf, (x + 1).is_leaf
            (True, False)
        """
        return self.grad_fn is None

    def retain_grad(self) -> None:
        """Keep dL/dself in ``.grad`` after backward, though self is not a leaf.

        Raises:
            RuntimeError: self does not require grad.

        Examples:
            >>> import autograd as ag
            >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
            >>> h = x * 3
            >>> h.retain_grad()
            >>> h.sum().backward()
            >>> h.grad
            tensor([1., 1.])
        """
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:  # the engine hands the node's gradient to this tensor
            self.grad_fn._retained = weakref.ref(self)

    @property
    def retains_grad(self) -> bool:
        """True when :meth:`retain_grad` was called on this non-leaf.

        Examples:
            >>> import autograd as ag
            >>> h = ag.tensor([1.0], requires_grad=True) * 2
            >>> h.retain_grad()
            >>> h.retains_grad
            True
        """
        fn = self.grad_fn
        return fn is not None and fn._retained is not None and fn._retained() is self

    def detach(self) -> Tensor:
        """The same values and memory, cut from the graph: a leaf that does not require grad.

        Use it to stop gradients flowing through a value, or before ``.numpy()``. An in-place
        write to either tensor shows in both, and backward refuses values changed after an
        operation saved them.

        Examples:
            >>> import autograd as ag
            >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
            >>> y = (x * 2).detach()
            >>> y, y.requires_grad
            (tensor([2., 4.]), False)
        """
        return Tensor(self._array, None, False, None, None, self._version_counter)

    def detach_(self) -> Tensor:
        """Cut this tensor from the graph in place: it becomes a leaf needing no grad; returns self.

        Examples:
            >>> import autograd as ag
            >>> y = ag.tensor([1.0], requires_grad=True) * 2
            >>> y.detach_()
            tensor([2.])
            >>> y.is_leaf
            True
        """
        self.grad_fn = None
        self._requires_grad = False
        return self

    # --- properties ------------------------------------------------------------------
    @property
    def shape(self) -> Size:
        """The size of each dimension, as a ``Size`` (a tuple of ints).

        Examples:
            >>> import autograd as ag
            >>> x = ag.zeros(2, 3)
            >>> x.shape
            autograd.Size([2, 3])
            >>> x.shape[1]
            3
        """
        return Size(self._array.shape)

    @property
    def ndim(self) -> int:
        """The number of dimensions (``len(x.shape)``).

        Examples:
            >>> import autograd as ag
            >>> ag.zeros(2, 3).ndim
            2
        """
        return self._array.ndim

    @property
    def dtype(self) -> dtypes.DType:
        """The element type: ``ag.float32``, ``ag.float64``, ``ag.int64``, ``ag.bool``, ...

        Examples:
            >>> import autograd as ag
            >>> ag.tensor([1.0]).dtype, ag.tensor([1]).dtype
            (autograd.float32, autograd.int64)
        """
        return dtypes.from_numpy_dtype(self._array.dtype)

    @property
    def device(self) -> backend.Device:
        """Where the values live: ``cpu`` or ``cuda:N``.

        Examples:
            >>> import autograd as ag
            >>> ag.zeros(2).device
            device(type='cpu')
        """
        return backend.device_of(self._array)

    @property
    def is_cuda(self) -> bool:
        """True when the values live on a GPU.

        Examples:
            >>> import autograd as ag
            >>> ag.zeros(1).is_cuda
            False
        """
        return self.device.type == "cuda"

    def size(self, dim: int | None = None) -> Any:
        """The shape as a ``Size``, or with ``dim`` the size of that dimension (-1: the last).

        Examples:
            >>> import autograd as ag
            >>> x = ag.zeros(2, 3)
            >>> x.size()
            autograd.Size([2, 3])
            >>> x.size(-1)
            3
        """
        return Size(self._array.shape) if dim is None else self._array.shape[dim]

    def dim(self) -> int:
        """The number of dimensions.

        Examples:
            >>> import autograd as ag
            >>> ag.zeros(2, 3, 4).dim()
            3
        """
        return self._array.ndim

    def numel(self) -> int:
        """The number of elements (the product of the shape).

        Examples:
            >>> import autograd as ag
            >>> ag.zeros(2, 3).numel()
            6
        """
        return int(self._array.size)

    def nelement(self) -> int:
        """The number of elements (``numel``).

        Examples:
            >>> import autograd as ag
            >>> ag.zeros(2, 3).nelement()
            6
        """
        return int(self._array.size)

    def ndimension(self) -> int:
        """The number of dimensions (``dim``).

        Examples:
            >>> import autograd as ag
            >>> ag.zeros(2, 3).ndimension()
            2
        """
        return self._array.ndim

    def is_contiguous(self) -> bool:
        """True when the elements lie in memory in row-major order without gaps.

        Examples:
            >>> import autograd as ag
            >>> x = ag.zeros(2, 3)
            >>> x.is_contiguous(), x.t().is_contiguous()
            (True, False)
        """
        return bool(self._array.flags.c_contiguous)

    def data_ptr(self) -> int:
        """The address of the first element (equal for tensors that view the same start).

        Examples:
            >>> import autograd as ag
            >>> x = ag.zeros(2, 3)
            >>> x.data_ptr() == x[0].data_ptr() == x.detach().data_ptr()
            True
            >>> x[1].data_ptr() - x.data_ptr()  # 3 float32 elements further
            12
        """
        array = self._array
        if hasattr(array, "__array_interface__"):
            return int(array.__array_interface__["data"][0])
        return int(array.data.ptr)

    @property
    def nbytes(self) -> int:
        """The size of the elements in bytes (``numel() * itemsize``).

        Examples:
            >>> import autograd as ag
            >>> ag.zeros(2, 3).nbytes
            24
        """
        return int(self._array.nbytes)

    @property
    def itemsize(self) -> int:
        """The size of one element in bytes (``element_size()``).

        Examples:
            >>> import autograd as ag
            >>> ag.zeros(1, dtype=ag.float64).itemsize
            8
        """
        return self._array.dtype.itemsize

    def element_size(self) -> int:
        """The size of one element in bytes.

        Examples:
            >>> import autograd as ag
            >>> ag.zeros(3).element_size(), ag.zeros(3, dtype=ag.float64).element_size()
            (4, 8)
        """
        return self._array.dtype.itemsize

    def is_floating_point(self) -> bool:
        """True for float16, float32 and float64 tensors.

        Examples:
            >>> import autograd as ag
            >>> ag.tensor([1.0]).is_floating_point(), ag.tensor([1]).is_floating_point()
            (True, False)
        """
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
        """The values as a numpy array sharing this tensor's memory.

        Raises:
            RuntimeError: the tensor requires grad (call ``.detach().numpy()``).
            TypeError: the tensor is on a GPU (call ``.cpu()`` first).

        Examples:
            >>> import autograd as ag
            >>> ag.tensor([1.0, 2.0]).numpy()
            array([1., 2.], dtype=float32)
        """
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
        """The value of a one-element tensor as a Python number (float, int or bool).

        Raises:
            RuntimeError: the tensor has more than one element.

        Examples:
            >>> import autograd as ag
            >>> ag.tensor([[2.5]]).item()
            2.5
            >>> ag.tensor([1.0, 2.0]).item()
            Traceback (most recent call last):
                ...
            RuntimeError: a Tensor with 2 elements cannot be converted to Scalar
        """
        if self._array.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._array.size} elements cannot be converted to Scalar"
            )
        return backend.item(self._array)

    def tolist(self) -> Any:
        """The values as (nested) Python lists of numbers; a 0-d tensor gives a number.

        Examples:
            >>> import autograd as ag
            >>> ag.tensor([[1, 2], [3, 4]]).tolist()
            [[1, 2], [3, 4]]
        """
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

    # --- repr ------------------------------------------------------------------------
    def __repr__(self) -> str:
        grad = None
        if self.grad_fn is not None:
            grad = f"grad_fn=<{self.grad_fn.name()}>"
        elif self._requires_grad:
            grad = "requires_grad=True"
        device = str(self.device) if self.device.type != "cpu" else None
        return tensor_repr(backend.to_numpy(self._array), str(self.dtype), dtypes.default_float(),
                           device, grad)

    def __format__(self, format_spec: str) -> str:
        if self._array.ndim == 0:  # a 0-d tensor formats as its number: f"{loss:.4f}"
            return self.item().__format__(format_spec)
        return object.__format__(self, format_spec)  # TypeError for a non-empty spec



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


def unwrap(value: Any) -> Any:
    """The array behind a Tensor; anything else as it is."""
    return value._array if isinstance(value, Tensor) else value
