"""Random numbers: ``manual_seed``, ``Generator``, ``rand``, ``randn``, ``randint``, ``randperm``.

Numbers are drawn on the host with numpy's PCG64 and moved to the tensor's
device, so one seed gives the same numbers on the CPU and on a GPU. (They are
not PyTorch's numbers: the two libraries use different generators.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import backend, dtypes
from .tensor import Tensor

__all__ = ["Generator", "manual_seed", "seed", "default_generator", "rand", "randn", "randint",
           "randperm", "rand_like", "randn_like", "bernoulli"]


class Generator:
    """A source of random numbers with its own state, as ``torch.Generator``."""

    def __init__(self, device: Any = "cpu"):
        self.device = backend.Device(device)
        self._seed = int(np.random.SeedSequence().entropy % (2**63))
        self.rng = np.random.Generator(np.random.PCG64(self._seed))

    def manual_seed(self, seed: int) -> Generator:
        self._seed = int(seed)
        self.rng = np.random.Generator(np.random.PCG64(self._seed))
        return self

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> dict:
        return self.rng.bit_generator.state

    def set_state(self, new_state: dict) -> Generator:
        self.rng.bit_generator.state = new_state
        return self


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator: the same seed gives the same numbers every run."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator from the operating system's entropy; returns the seed."""
    s = int(np.random.SeedSequence().entropy % (2**63))
    default_generator.manual_seed(s)
    return s


def _rng(generator: Generator | None) -> np.random.Generator:
    return (generator or default_generator).rng


def _finish(arr: np.ndarray, device: Any, requires_grad: bool) -> Tensor:
    dev = backend.get_default_device() if device is None else backend.Device(device)
    t = Tensor(arr if dev.type == "cpu" else backend.asarray(arr, device=dev))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _size(size: tuple) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return tuple(int(n) for n in size)


def _float_dtype(dtype: Any) -> np.dtype:
    np_dtype = dtypes.default_float() if dtype is None else dtypes.to_numpy_dtype(dtype)
    if np_dtype.kind != "f":
        raise TypeError(f"random floats need a floating dtype, got {dtype}")
    return np_dtype


def rand(*size: Any, generator: Generator | None = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """Uniform on [0, 1)."""
    arr = _rng(generator).random(_size(size)).astype(_float_dtype(dtype))
    return _finish(arr, device, requires_grad)


def randn(*size: Any, generator: Generator | None = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    """Standard normal: mean 0, variance 1."""
    arr = _rng(generator).standard_normal(_size(size)).astype(_float_dtype(dtype))
    return _finish(arr, device, requires_grad)


def randint(low: int, high: int | None = None, size: tuple = (), generator: Generator | None = None,
            dtype: Any = None, device: Any = None) -> Tensor:
    """Integers in [low, high); ``randint(high, size)`` as in PyTorch."""
    if isinstance(high, (tuple, list)):  # randint(10, (3,)): low was left out
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    np_dtype = np.dtype(np.int64) if dtype is None else dtypes.to_numpy_dtype(dtype)
    arr = _rng(generator).integers(low, high, size=tuple(size)).astype(np_dtype)
    return _finish(arr, device, False)


def randperm(n: int, generator: Generator | None = None, dtype: Any = None,
             device: Any = None) -> Tensor:
    """A random permutation of 0 .. n-1."""
    np_dtype = np.dtype(np.int64) if dtype is None else dtypes.to_numpy_dtype(dtype)
    return _finish(_rng(generator).permutation(n).astype(np_dtype), device, False)


def rand_like(input: Tensor, generator: Generator | None = None, dtype: Any = None) -> Tensor:
    """Uniform samples from [0, 1) in ``input``'s shape, dtype and device."""
    return rand(input.shape, generator=generator, dtype=dtype or input.dtype, device=input.device)


def randn_like(input: Tensor, generator: Generator | None = None, dtype: Any = None) -> Tensor:
    """Standard normal samples in ``input``'s shape, dtype and device."""
    return randn(input.shape, generator=generator, dtype=dtype or input.dtype, device=input.device)


def bernoulli(input: Tensor, generator: Generator | None = None) -> Tensor:
    """1 with probability input[i], else 0."""
    p = backend.to_numpy(input._array)
    arr = (_rng(generator).random(p.shape) < p).astype(p.dtype)
    return _finish(arr, input.device, False)


def _fill_from_host(t: Tensor, values: np.ndarray) -> Tensor:
    values = values.astype(t._array.dtype, copy=False)
    t._array[...] = values if backend.device_of(t._array).type == "cpu" else \
        backend.asarray(values, device=t.device)
    t._version_counter[0] += 1
    return t


def uniform_(t: Tensor, a: float = 0.0, b: float = 1.0,
             generator: Generator | None = None) -> Tensor:
    """Fill ``t`` in place with U(a, b)."""
    return _fill_from_host(t, _rng(generator).uniform(a, b, t.shape))


def normal_(t: Tensor, mean: float = 0.0, std: float = 1.0,
            generator: Generator | None = None) -> Tensor:
    """Fill ``t`` in place with N(mean, std^2)."""
    return _fill_from_host(t, _rng(generator).normal(mean, std, t.shape))
