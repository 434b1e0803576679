"""Devices and array modules: the one place that knows numpy from CuPy.

Every op body gets its array module ``xp`` from its inputs with
:func:`get_array_module`, so the same code runs on numpy (``'cpu'``) and on
CuPy (``'cuda'``). What numpy and CuPy do differently (scatter-add, erf,
moving to and from host memory, conversion to Python scalars, checks on data
that would make the host wait for a GPU, devices) lives here and nowhere else;
random numbers are drawn on the host and moved (autograd/random.py).

CuPy is imported only when a CUDA device is first asked for.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from . import dtypes

# Read once: numpy's module __getattr__ makes each read of np.ndarray in a function a full
# lookup, and every op asks for its array module
_ndarray = np.ndarray
_generic = np.generic

__all__ = [
    "Device",
    "device",
    "get_default_device",
    "set_default_device",
    "get_array_module",
    "device_of",
    "asarray",
    "full",
    "to_device",
    "to_numpy",
    "item",
    "check",
    "raise_deferred",
    "scatter_add",
    "erf",
    "expit",
    "cuda_module",
    "set_cuda_module",
    "current_cuda_index",
    "cuda_device_context",
    "cuda_is_available",
    "cuda_device_count",
]


class Device:
    """A place where tensors live: ``Device('cpu')``, ``Device('cuda')``, ``Device('cuda:1')``.

    As in PyTorch, ``device('cuda')`` has ``index`` None and means the current GPU.
    ``ag.device`` is the same class. It compares equal to its string.

    Examples:
        >>> import autograd as ag
        >>> d = ag.device("cuda:1")
        >>> d, d.type, d.index
        (device(type='cuda', index=1), 'cuda', 1)
        >>> ag.zeros(2).device == "cpu"
        True
    """

    __slots__ = ("type", "index")

    _PATTERN = re.compile(r"^(cpu|cuda)(?::(\d+))?$")

    def __init__(self, spec: str | Device = "cpu", index: int | None = None):
        if isinstance(spec, Device):
            self.type, self.index = spec.type, spec.index
            return
        if not isinstance(spec, str):
            raise TypeError(f"device must be a string like 'cpu' or 'cuda:0', got {spec!r}")
        match = self._PATTERN.match(spec.strip())
        if match is None:
            raise RuntimeError(
                f"Expected one of 'cpu', 'cuda', 'cuda:N' as the device, got {spec!r}"
            )
        self.type = match.group(1)
        self.index = int(match.group(2)) if match.group(2) is not None else index
        if self.type == "cpu" and self.index not in (None, 0):
            raise RuntimeError(f"the cpu device has no index {self.index}")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = Device(other)
        if not isinstance(other, Device):
            return NotImplemented
        if self.type != other.type:
            return False
        # 'cuda' and 'cuda:0' are the same GPU unless several are in use.
        return (self.index or 0) == (other.index or 0)

    def __hash__(self) -> int:
        return hash((self.type, self.index or 0))

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"


device = Device
CPU = Device("cpu")
_default_device = CPU  # where creation functions put tensors when not told: set_default_device


def get_default_device() -> Device:
    """The device that ``tensor``, ``zeros``, ``randn``, ... use when not given ``device=``.

    Examples:
        >>> import autograd as ag
        >>> ag.get_default_device()
        device(type='cpu')
    """
    return _default_device


def set_default_device(device: Any) -> None:
    """Make ``device`` ('cpu', 'cuda', 'cuda:1', an ag.device; None for the CPU) the default
    of every creation function, as ``torch.set_default_device``.

    Examples:
        >>> import autograd as ag
        >>> ag.set_default_device("cpu")
        >>> ag.zeros(2).device
        device(type='cpu')
        >>> ag.set_default_device(None)  # back to the CPU default
    """
    global _default_device
    _default_device = CPU if device is None else Device(device)

# --- the CUDA array module -------------------------------------------------------------
# ``None`` until a CUDA device is first used. Tests install a strict fake here
# (tests/fake_cuda.py) so the GPU code paths run on machines without a GPU.
_cuda_module: Any = None
_cuda_array_types: tuple[type, ...] = ()
# The array types a Tensor holds as they are: numpy's, and the CUDA module's once in use.
ARRAY_TYPES: tuple[type, ...] = (np.ndarray,)


def set_cuda_module(module: Any, array_type: type | None = None) -> tuple[Any, Any]:
    """Use ``module`` (CuPy, or a stand-in with CuPy's API) as the array module for 'cuda'.

    ``None`` goes back to importing CuPy on first use. Returns the previous
    ``(module, array_type)``, so that a test can put it back.
    """
    global _cuda_module, _cuda_array_types, ARRAY_TYPES
    previous = (_cuda_module, _cuda_array_types[0] if _cuda_array_types else None)
    _cuda_module = module
    _cuda_array_types = () if module is None else (array_type or module.ndarray,)
    ARRAY_TYPES = (np.ndarray, *_cuda_array_types)
    return previous


def cuda_module() -> Any:
    """CuPy, imported on first use, with a clear error where it is missing."""
    if _cuda_module is None:
        try:
            import cupy
        except Exception as exc:  # not installed, or broken (a CUDA or numpy mismatch)
            raise RuntimeError(
                "device='cuda' needs CuPy, which is not installed (or does not import: "
                f"{type(exc).__name__}: {exc}). Install it with: pip install 'gradschool[cuda]' "
                "(CuPy for CUDA 12; 'gradschool[cuda13]' for CUDA 13), on a machine with an "
                "NVIDIA GPU and driver."
            ) from exc
        set_cuda_module(cupy)
    return _cuda_module


def _is_cuda_array(arr: Any) -> bool:
    return bool(_cuda_array_types) and isinstance(arr, _cuda_array_types)


def get_array_module(arr: Any) -> Any:
    """numpy for host arrays and scalars, the CUDA module for GPU arrays.

    A Tensor (as seen by backward rules when ``create_graph=True``) gets the
    tensor namespace, so the same rule records a differentiable graph.
    """
    cls = type(arr)
    if cls is _ndarray or isinstance(arr, _generic):  # a numpy scalar: a 0-d result
        return np
    if _is_cuda_array(arr):
        return _cuda_module
    namespace = getattr(cls, "_array_namespace", None)
    if namespace is not None:
        return namespace()
    return np


def device_of(arr: Any) -> Device:
    """The device an array lives on."""
    if type(arr) is _ndarray or not _is_cuda_array(arr):
        return CPU
    dev = getattr(arr, "device", None)
    index = getattr(dev, "id", 0) if dev is not None else 0
    return Device("cuda", index)


def asarray(data: Any, dtype: Any = None, device: Device = CPU) -> Any:
    """``data`` as an array on ``device`` (copying only where needed)."""
    if device.type == "cpu":
        if _is_cuda_array(data):
            data = _cuda_to_host(data)
        return np.asarray(data, dtype=dtype)
    xp, on_device = _gpu(device)
    with on_device:
        return xp.asarray(data, dtype=dtype)


def full(shape: tuple[int, ...], fill_value: Any, dtype: Any, device: Device = CPU) -> Any:
    """A new array of ``shape`` filled with ``fill_value``, made on ``device`` (no host copy)."""
    if device.type == "cpu":
        return np.full(shape, fill_value, dtype=dtype)
    xp, on_device = _gpu(device)
    with on_device:
        return xp.full(shape, fill_value, dtype=dtype)


def to_device(arr: Any, device: Device) -> Any:
    """``arr`` moved to ``device``; the same object where it is there already."""
    here = device_of(arr)
    if here == device:
        return arr
    if device.type == "cpu":
        return _cuda_to_host(arr)
    xp, on_device = _gpu(device)
    with on_device:
        return xp.asarray(arr)  # from the host or from another GPU: CuPy copies


def to_numpy(arr: Any) -> np.ndarray:
    """A host (numpy) copy of ``arr``; only for explicit conversions such as ``.cpu()``."""
    if _is_cuda_array(arr):
        return _cuda_to_host(arr)
    return np.asarray(arr)


def _cuda_to_host(arr: Any) -> np.ndarray:
    if _deferred:
        raise_deferred()
    return _cuda_module.asnumpy(arr)


def item(arr: Any) -> Any:
    """The Python number in a one-element array (on a GPU, a copy to the host)."""
    if _deferred:
        raise_deferred()
    return arr.reshape(()).item()


# --- checks on GPU data, without waiting for the GPU ---------------------------------------
# Reading a GPU value on the host waits for every kernel queued before it, so a loss that
# checked its targets that way would stall each training step (14% of W1's step on an
# H200). As PyTorch's device-side asserts do, such checks are read later: at the next copy
# to the host (.item(), .cpu(), print) or once _MAX_DEFERRED are waiting.
_deferred: list[tuple[Any, Callable[[], Exception]]] = []
_MAX_DEFERRED = 16


def check(failed: Any, error: Callable[[], Exception]) -> None:
    """Raise ``error()`` if ``failed`` (a 0-d bool array) is true: at once for host data;
    for GPU data at the next copy to the host (see above)."""
    if not _is_cuda_array(failed):
        if failed:
            raise error()
        return
    _deferred.append((failed, error))
    if len(_deferred) >= _MAX_DEFERRED:
        raise_deferred()


def raise_deferred() -> None:
    """Read the waiting GPU checks (all of them are dropped); raise the first that failed."""
    waiting = _deferred[:]
    _deferred.clear()
    for failed, error in waiting:
        if bool(failed):
            exc = error()
            raise type(exc)(
                f"{exc} (checked on the GPU without waiting for it, so raised at the first copy "
                "to the host after the call that found it)"
            ) from None


class _NullContext:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


_NO_CONTEXT = _NullContext()


def _gpu(device: Device) -> tuple[Any, Any]:
    """CuPy, and a context that makes ``device`` its current GPU; clear errors where there is none.

    Plain ``'cuda'`` means the current GPU, so it needs no context.
    """
    xp = cuda_module()
    count = _device_count(xp)
    index = 0 if device.index is None else device.index
    if index >= count:
        if count == 0:
            raise RuntimeError(
                f"device='{device}' was asked for, but CuPy sees no CUDA GPU on this machine "
                "(ag.cuda.is_available() is False); use device='cpu'"
            )
        raise RuntimeError(
            f"CUDA error: invalid device ordinal: {device} was asked for, but this machine has "
            f"{count} GPU{'s' if count > 1 else ''} (cuda:0 to cuda:{count - 1})"
        )
    if device.index is None:
        return xp, _NO_CONTEXT
    return xp, xp.cuda.Device(device.index)


def _device_count(xp: Any) -> int:
    try:
        return int(xp.cuda.runtime.getDeviceCount())
    except Exception:  # CuPy raises CUDARuntimeError where there is no driver
        return 0


def scatter_add(target: Any, index: Any, values: Any) -> None:
    """``target[index] += values`` where repeated indices add up.

    numpy's ``np.add.at``; on the GPU CuPy's ``add.at`` (CuPy >= 13, which
    gradschool[cuda] requires), an atomicAdd scatter for float16/32/64.
    """
    get_array_module(target).add.at(target, index, values)


# scipy.special and cupyx.scipy.special, imported on first use: scipy takes longer to
# import than the whole library
_host_special: Any = None
_cuda_special: Any = None


def _special(xp: Any) -> Any:
    """The special functions (erf, expit) for arrays of ``xp``: scipy's on the host, cupyx's
    on CuPy; None for a stand-in for CuPy without cupyx (the tests' fake)."""
    global _host_special, _cuda_special
    if xp is np:
        if _host_special is None:
            import scipy.special

            _host_special = scipy.special
        return _host_special
    if getattr(xp, "__name__", "") == "cupy":
        if _cuda_special is None:
            import cupyx.scipy.special  # ships with CuPy

            _cuda_special = cupyx.scipy.special
        return _cuda_special
    return None


def _call_special(name: str, x: Any) -> Any:
    """Special function ``name`` of a float array, as an array of x's dtype.

    numpy gives a 0-d input's result as a scalar, and scipy computes float16 in float32;
    a stand-in for CuPy without cupyx (the tests' fake) computes on the host and moves the
    result back.
    """
    if type(x) is _ndarray:  # the usual case first
        special = _host_special if _host_special is not None else _special(np)
    else:
        special = _special(get_array_module(x))
        if special is None:
            return to_device(_call_special(name, to_numpy(x)), device_of(x))
    y = getattr(special, name)(x)
    if y.dtype is not x.dtype and y.dtype != x.dtype:
        y = y.astype(x.dtype)
    return y if type(y) is _ndarray or _is_cuda_array(y) else np.asarray(y)


def erf(x: Any) -> Any:
    """erf element-wise on either device; numpy has none (scipy's, or cupyx's on CuPy)."""
    return _call_special("erf", x)


def expit(x: Any) -> Any:
    """The logistic function 1 / (1 + e^-x) of a float array in one call, in x's dtype.

    scipy's expit (cupyx's on CuPy) computes what PyTorch's sigmoid computes, without the
    overflow warning of exp(-x) for x below -88.7 (float32) or -709 (float64), where both
    give 0. One call instead of numpy's four, which a small network feels.
    """
    return _call_special("expit", x)


def current_cuda_index() -> int:
    """The index of CuPy's current GPU: the one 'cuda' means and kernels run on."""
    return int(cuda_module().cuda.runtime.getDevice())


def cuda_device_context(device: Device) -> Any:
    """A context manager that makes ``device`` CuPy's current GPU (clear errors where none)."""
    xp, on_device = _gpu(device)
    if on_device is _NO_CONTEXT:
        return xp.cuda.Device(current_cuda_index())
    return on_device


def cuda_is_available() -> bool:
    """True when CuPy imports and sees at least one GPU (never raises)."""
    return cuda_device_count() > 0


def cuda_device_count() -> int:
    """The number of GPUs CuPy sees; 0 without CuPy or a driver (never raises)."""
    try:
        xp = cuda_module()
    except RuntimeError:
        return 0
    return _device_count(xp)


# --- making arrays -----------------------------------------------------------------------

def as_array(data: Any, dtype: Any = None, device: Any = None, copy: bool = False) -> Any:
    """``data`` (nested lists, numbers, arrays, Tensors) as a backend array."""
    dev = get_default_device() if device is None else Device(device)
    np_dtype = None if dtype is None else dtypes.to_numpy_dtype(dtype)
    if hasattr(data, "_array"):  # a Tensor
        data = data._array
    if hasattr(data, "__cuda_array_interface__") or device_of(data).type == "cuda":
        if device is None:
            dev = device_of(data)
        arr = to_device(data, dev)
        if np_dtype is not None and arr.dtype != np_dtype:
            arr = arr.astype(np_dtype)
        return arr.copy() if copy and arr is data else arr
    if isinstance(data, (np.ndarray, np.generic)):
        arr = np.array(data, dtype=np_dtype, copy=copy or None)
        arr = np.asarray(arr)
    else:
        try:
            arr = np.array(data, dtype=np_dtype)
        except ValueError as exc:
            raise ValueError(
                f"could not make a tensor from this data: nested sequences must be rectangular "
                f"(all rows of one length) and hold numbers ({exc})"
            ) from None
        except TypeError as exc:
            raise TypeError(f"could not make a tensor from {type(data).__name__}: {exc}") from None
        if np_dtype is None and not _holds_typed_values(data):
            # Python numbers: floats take the default dtype, ints int64. (Lists of numpy
            # scalars, arrays or tensors keep their dtype, as in PyTorch.)
            if arr.dtype.kind == "f":
                arr = arr.astype(dtypes.default_float())
            elif arr.dtype.kind in "iu":
                arr = arr.astype(np.int64)
    if arr.dtype not in dtypes._BY_NUMPY:
        raise TypeError(
            f"can't make a tensor of numpy dtype {arr.dtype}; supported: "
            f"{', '.join(dtypes._BY_NAME)}"
        )
    return arr if dev.type == "cpu" else asarray(arr, device=dev)


def _holds_typed_values(data: Any) -> bool:
    """True if nested lists hold a numpy scalar, array or Tensor (which keep their dtype)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, (np.generic, np.ndarray)) or hasattr(item, "_array"):
            return True
    return False
