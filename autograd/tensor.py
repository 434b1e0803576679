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
        """Whether backward computes a gradient for this tensor (set it on leaves)."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place (floating-point leaves only); returns self."""
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
        """True for a tensor no recorded op made (``grad_fn`` is None)."""
        return self.grad_fn is None

    def retain_grad(self) -> None:
        """Keep dL/dself in ``.grad`` after backward, though self is not a leaf."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:  # the engine hands the node's gradient to this tensor
            self.grad_fn._retained = weakref.ref(self)

    @property
    def retains_grad(self) -> bool:
        """True when ``retain_grad()`` was called on this non-leaf."""
        fn = self.grad_fn
        return fn is not None and fn._retained is not None and fn._retained() is self

    def detach(self) -> Tensor:
        """The same memory, cut from the graph (in-place writes to either count for both)."""
        return Tensor(self._array, None, False, None, None, self._version_counter)

    def detach_(self) -> Tensor:
        """Cut this tensor from the graph in place: it becomes a leaf that needs no grad."""
        self.grad_fn = None
        self._requires_grad = False
        return self

    # --- properties ------------------------------------------------------------------
    @property
    def shape(self) -> Size:
        """The size of each dimension, as a ``Size`` (a tuple)."""
        return Size(self._array.shape)

    @property
    def ndim(self) -> int:
        """The number of dimensions."""
        return self._array.ndim

    @property
    def dtype(self) -> dtypes.DType:
        """The element type (``ag.float32``, ``ag.int64``, ...)."""
        return dtypes.from_numpy_dtype(self._array.dtype)

    @property
    def device(self) -> backend.Device:
        """Where the values live: ``cpu`` or ``cuda:N``."""
        return backend.device_of(self._array)

    @property
    def is_cuda(self) -> bool:
        """True when the values live on a GPU."""
        return self.device.type == "cuda"

    def size(self, dim: int | None = None) -> Any:
        """The shape, or the size of dimension ``dim``."""
        return Size(self._array.shape) if dim is None else self._array.shape[dim]

    def dim(self) -> int:
        """The number of dimensions."""
        return self._array.ndim

    def numel(self) -> int:
        """The number of elements."""
        return int(self._array.size)

    def nelement(self) -> int:
        """The number of elements (``numel``)."""
        return int(self._array.size)

    def ndimension(self) -> int:
        """The number of dimensions (``dim``)."""
        return self._array.ndim

    def is_contiguous(self) -> bool:
        """True when the elements lie in memory in row-major order without gaps."""
        return bool(self._array.flags.c_contiguous)

    def data_ptr(self) -> int:
        """The address of the first element (equal for tensors that view the same start)."""
        array = self._array
        if hasattr(array, "__array_interface__"):
            return int(array.__array_interface__["data"][0])
        return int(array.data.ptr)

    @property
    def nbytes(self) -> int:
        """The size of the elements in bytes."""
        return int(self._array.nbytes)

    @property
    def itemsize(self) -> int:
        """The size of one element in bytes."""
        return self._array.dtype.itemsize

    def element_size(self) -> int:
        """The size of one element in bytes."""
        return self._array.dtype.itemsize

    def is_floating_point(self) -> bool:
        """True for float16, float32 and float64 tensors."""
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
        """The values as a numpy array sharing this tensor's memory (CPU, no grad)."""
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
        """The value of a one-element tensor as a Python number."""
        if self._array.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._array.size} elements cannot be converted to Scalar"
            )
        return backend.item(self._array)

    def tolist(self) -> Any:
        """The values as nested Python lists of numbers."""
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
