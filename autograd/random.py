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
    """A source of random numbers with its own state, apart from the default generator.

    Pass one as ``generator=`` to :func:`rand`, :func:`randn`, ... to draw a stream that
    other draws do not disturb. ``manual_seed(s)`` reseeds it (and returns it),
    ``get_state()``/``set_state()`` save and restore its position.

    Examples:
        >>> import autograd as ag
        >>> g = ag.Generator().manual_seed(42)
        >>> a = ag.rand(3, generator=g)
        >>> _ = g.manual_seed(42)
        >>> ag.equal(a, ag.rand(3, generator=g))
        True
    """

    def __init__(self, device: Any = "cpu"):
        self.device = backend.Device(device)
        self._seed = int(np.random.SeedSequence().entropy % (2**63))
        self.rng = np.random.Generator(np.random.PCG64(self._seed))

    def manual_seed(self, seed: int) -> Generator:
        """Reseed this generator (the same seed gives the same numbers); returns it.

        Examples:
            >>> import autograd as ag
            >>> g = ag.Generator().manual_seed(3)
            >>> a = ag.rand(2, generator=g)
            >>> bool((ag.rand(2, generator=g.manual_seed(3)) == a).all())
            True
        """
        self._seed = int(seed)
        self.rng = np.random.Generator(np.random.PCG64(self._seed))
        return self

    def initial_seed(self) -> int:
        """The seed this generator was last seeded with.

        Examples:
            >>> import autograd as ag
            >>> ag.Generator().manual_seed(7).initial_seed()
            7
        """
        return self._seed

    def get_state(self) -> dict:
        """The generator's position (a dict), to give back to :meth:`set_state` later.

        Examples:
            >>> import autograd as ag
            >>> g = ag.Generator().manual_seed(0)
            >>> state = g.get_state()
            >>> a = ag.rand(2, generator=g)
            >>> _ = g.set_state(state)
            >>> ag.equal(a, ag.rand(2, generator=g))
            True
        """
        return self.rng.bit_generator.state

    def set_state(self, new_state: dict) -> Generator:
        """Go back to a position that :meth:`get_state` returned; returns the generator.

        Examples:
            >>> import autograd as ag
            >>> g = ag.Generator().manual_seed(0)
            >>> state = g.get_state()
            >>> a = ag.rand(2, generator=g)
            >>> bool((ag.rand(2, generator=g.set_state(state)) == a).all())
            True
        """
        self.rng.bit_generator.state = new_state
        return self


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator: the same seed gives the same numbers on every run.

    Returns the default :class:`Generator`. The numbers are drawn with numpy's PCG64, so
    they are not PyTorch's numbers for the same seed.

    Examples:
        >>> import autograd as ag
        >>> _ = ag.manual_seed(0)
        >>> a = ag.rand(2)
        >>> _ = ag.manual_seed(0)
        >>> ag.equal(a, ag.rand(2))
        True
    """
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator from the operating system's entropy; returns the seed used.

    Examples:
        >>> import autograd as ag
        >>> s = ag.seed()
        >>> a = ag.rand(2)
        >>> _ = ag.manual_seed(s)  # the same seed again: the same numbers
        >>> bool((ag.rand(2) == a).all())
        True
    """
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
    """Samples uniform on [0, 1), in a tensor of the given size: ``rand(2, 3)``, ``rand((2, 3))``.

    Args:
        generator: draw from this :class:`Generator` instead of the default one.
        dtype: a floating dtype (the default float, float32, when None); others raise TypeError.

    Examples:
        >>> import autograd as ag
        >>> _ = ag.manual_seed(0)
        >>> ag.rand(2, 3)
        tensor([[0.6370, 0.2698, 0.0410],
                [0.0165, 0.8133, 0.9128]])
    """
    arr = _rng(generator).random(_size(size)).astype(_float_dtype(dtype))
    return _finish(arr, device, requires_grad)


def randn(*size: Any, generator: Generator | None = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    """Samples of the standard normal distribution (mean 0, variance 1), in the given size.

    Args:
        generator: draw from this :class:`Generator` instead of the default one.
        dtype: a floating dtype (the default float, float32, when None); others raise TypeError.

    Examples:
        >>> import autograd as ag
        >>> _ = ag.manual_seed(0)
        >>> ag.randn(4)
        tensor([ 0.1257, -0.1321,  0.6404,  0.1049])
    """
    arr = _rng(generator).standard_normal(_size(size)).astype(_float_dtype(dtype))
    return _finish(arr, device, requires_grad)


def randint(low: int, high: int | None = None, size: tuple = (), generator: Generator | None = None,
            dtype: Any = None, device: Any = None) -> Tensor:
    """Random integers in [low, high), in a tensor of ``size`` (int64 unless ``dtype``).

    ``randint(high, size)`` draws from [0, high), as ``randint(0, high, size)``.

    Examples:
        >>> import autograd as ag
        >>> _ = ag.manual_seed(0)
        >>> ag.randint(0, 10, (5,))
        tensor([8, 6, 5, 2, 3])
        >>> ag.randint(3, (2, 2))
        tensor([[0, 0],
                [0, 0]])
    """
    if isinstance(high, (tuple, list)):  # randint(10, (3,)): low was left out
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    np_dtype = np.dtype(np.int64) if dtype is None else dtypes.to_numpy_dtype(dtype)
    arr = _rng(generator).integers(low, high, size=tuple(size)).astype(np_dtype)
    return _finish(arr, device, False)


def randperm(n: int, generator: Generator | None = None, dtype: Any = None,
             device: Any = None) -> Tensor:
    """A random permutation of 0, 1, ..., n - 1 (int64 unless ``dtype``).

    Examples:
        >>> import autograd as ag
        >>> _ = ag.manual_seed(0)
        >>> ag.randperm(5)
        tensor([2, 4, 3, 0, 1])
    """
    np_dtype = np.dtype(np.int64) if dtype is None else dtypes.to_numpy_dtype(dtype)
    return _finish(_rng(generator).permutation(n).astype(np_dtype), device, False)


def rand_like(input: Tensor, generator: Generator | None = None, dtype: Any = None) -> Tensor:
    """Samples uniform on [0, 1) in ``input``'s shape, dtype and device.

    Examples:
        >>> import autograd as ag
        >>> _ = ag.manual_seed(0)
        >>> ag.rand_like(ag.zeros(2, 2))
        tensor([[0.6370, 0.2698],
                [0.0410, 0.0165]])
    """
    return rand(input.shape, generator=generator, dtype=dtype or input.dtype, device=input.device)


def randn_like(input: Tensor, generator: Generator | None = None, dtype: Any = None) -> Tensor:
    """Standard normal samples in ``input``'s shape, dtype and device.

    Examples:
        >>> import autograd as ag
        >>> _ = ag.manual_seed(0)
        >>> ag.randn_like(ag.zeros(3))
        tensor([ 0.1257, -0.1321,  0.6404])
    """
    return randn(input.shape, generator=generator, dtype=dtype or input.dtype, device=input.device)


def bernoulli(input: Tensor, generator: Generator | None = None) -> Tensor:
    """1 with probability ``input[i]``, else 0, for each element (``input``'s shape and dtype).

    Examples:
        >>> import autograd as ag
        >>> _ = ag.manual_seed(0)
        >>> ag.bernoulli(ag.tensor([0.0, 0.5, 1.0, 1.0]))
        tensor([0., 1., 1., 1.])
    """
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
    """Fill ``t`` in place with samples of U(a, b), uniform on [a, b); returns ``t``.

    Examples:
        >>> import autograd as ag
        >>> _ = ag.manual_seed(0)
        >>> ag.empty(3).uniform_(-1, 1)
        tensor([ 0.2739, -0.4604, -0.9181])
    """
    return _fill_from_host(t, _rng(generator).uniform(a, b, t.shape))


def normal_(t: Tensor, mean: float = 0.0, std: float = 1.0,
            generator: Generator | None = None) -> Tensor:
    """Fill ``t`` in place with samples of N(mean, std^2); returns ``t``.

    Examples:
        >>> import autograd as ag
        >>> _ = ag.manual_seed(0)
        >>> ag.empty(3).normal_(mean=10.0, std=0.1)
        tensor([10.0126,  9.9868, 10.0640])
    """
    return _fill_from_host(t, _rng(generator).normal(mean, std, t.shape))
