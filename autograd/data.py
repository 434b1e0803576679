"""Datasets and mini-batch loading, as ``torch.utils.data``.

::

    dataset = ag.data.TensorDataset(X, Y)            # N samples: X[i], Y[i]
    loader = ag.data.DataLoader(dataset, batch_size=32, shuffle=True)
    for x, y in loader:                              # one epoch: every sample once
        ...

The lecture's three regimes are three settings of ``batch_size``: N (batch
gradient descent, one step per epoch), between 1 and N (mini-batch), and 1
(stochastic gradient descent).

A batch of a :class:`TensorDataset` (or of a :class:`Subset` of one) is cut
out of its whole tensors at once, by slicing (in order) or by indexing with a
slice of a random permutation (shuffled): no Python loop over samples. Other
datasets are read sample by sample and stacked by :func:`default_collate`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from . import backend
from .ops.shape import stack
from .random import Generator, default_generator, randperm
from .tensor import Tensor

__all__ = ["Dataset", "TensorDataset", "Subset", "DataLoader", "random_split", "default_collate"]


class Dataset:
    """A collection of samples: subclasses define ``__getitem__(i)`` and ``__len__()``.

    ``len(dataset)`` is the number of samples, ``dataset[i]`` the i-th (any object: a tensor,
    a tuple ``(x, y)``, a dict). Any such object works with :class:`DataLoader`.

    Examples:
        >>> import autograd as ag
        >>> class Squares(ag.data.Dataset):
        ...     def __len__(self):
        ...         return 5
        ...     def __getitem__(self, i):
        ...         return ag.tensor([float(i)]), ag.tensor([float(i * i)])
        >>> ds = Squares()
        >>> len(ds), ds[3]
        (5, (tensor([3.]), tensor([9.])))
    """

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__")


class TensorDataset(Dataset):
    """Sample i is ``(tensors[0][i], tensors[1][i], ...)``; all tensors share their first size.

    Tensors whose first sizes differ raise ValueError naming their shapes.

    Examples:
        >>> import autograd as ag
        >>> X, Y = ag.arange(12.0).reshape(6, 2), ag.arange(6)
        >>> ds = ag.data.TensorDataset(X, Y)
        >>> len(ds)
        6
        >>> ds[1]
        (tensor([2., 3.]), tensor(1))
    """

    def __init__(self, *tensors: Tensor):
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        for i, t in enumerate(tensors):
            if not isinstance(t, Tensor):
                raise TypeError(
                    f"TensorDataset takes Tensors, but argument {i} is a {type(t).__name__}; "
                    "wrap it with ag.tensor(...)"
                )
            if t.ndim == 0:
                raise ValueError(f"TensorDataset: argument {i} is a 0-d tensor; it has no samples")
        sizes = [t.shape[0] for t in tensors]
        if any(n != sizes[0] for n in sizes):
            shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
            raise ValueError(
                f"Size mismatch between tensors: their first dimensions (the number of samples) "
                f"must be equal, got shapes {shapes}"
            )
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def _get_batch(self, index: slice | np.ndarray) -> list[Tensor]:
        """The samples at ``index`` (a slice or an integer array), from every tensor at once."""
        return [_take(t, index) for t in self.tensors]


def _take(t: Tensor, index: slice | np.ndarray) -> Tensor:
    """``t[index]`` as a new tensor that owns its data (a batch never aliases the dataset)."""
    if t.requires_grad:  # rare: keep the graph, as indexing does
        return t[index]
    data = t._array
    if isinstance(index, slice):
        return Tensor(data[index].copy())
    if backend.device_of(data).type != "cpu":
        index = backend.asarray(index, device=backend.device_of(data))
    return Tensor(data[index])


class Subset(Dataset):
    """The samples of ``dataset`` at positions ``indices``, in that order.

    Examples:
        >>> import autograd as ag
        >>> ds = ag.data.TensorDataset(ag.arange(5.0))
        >>> sub = ag.data.Subset(ds, [4, 0])
        >>> len(sub), sub[0]
        (2, (tensor(4.),))
    """

    def __init__(self, dataset: Dataset, indices: Sequence[int]):
        self.dataset = dataset
        self.indices = list(indices)
        self._index_array = np.asarray(self.indices, dtype=np.int64)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, list):
            return [self.dataset[self.indices[i]] for i in index]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)

    def _get_batch(self, index: slice | np.ndarray) -> Any:
        return self.dataset._get_batch(self._index_array[index])


def _batches_at_once(dataset: Dataset) -> bool:
    while isinstance(dataset, Subset):
        dataset = dataset.dataset
    return isinstance(dataset, TensorDataset)


class DataLoader:
    """Iterate over ``dataset`` in batches of ``batch_size``, as ``torch.utils.data.DataLoader``.

    Args:
        dataset: a :class:`Dataset` (anything with ``__getitem__`` and ``__len__``).
        batch_size: samples per batch; ``None`` yields single samples, uncollated.
        shuffle: a new random order every epoch (from ``generator``, or the
            default generator that ``ag.manual_seed`` seeds).
        drop_last: drop the last batch when it is smaller than ``batch_size``.
        collate_fn: turns a list of samples into a batch (default: :func:`default_collate`).
        generator: an ``ag.Generator`` for the shuffling.
        num_workers, pin_memory: accepted for PyTorch compatibility; loading
            always happens in the main process, with the same batches.

    A batch of a TensorDataset is a list ``[x, y, ...]`` of tensors, as
    PyTorch's default collation gives.

    ``len(loader)`` is the number of batches per epoch. A ``batch_size`` below 1 raises
    ValueError.

    Examples:
        >>> import autograd as ag
        >>> X, Y = ag.arange(20.0).reshape(10, 2), ag.arange(10)
        >>> loader = ag.data.DataLoader(ag.data.TensorDataset(X, Y), batch_size=4, shuffle=True)
        >>> len(loader)
        3
        >>> for xb, yb in loader:
        ...     print(tuple(xb.shape), tuple(yb.shape))
        (4, 2) (4,)
        (4, 2) (4,)
        (2, 2) (2,)
    """

    def __init__(self, dataset: Dataset, batch_size: int | None = 1, shuffle: bool = False, *,
                 collate_fn: Callable[[list[Any]], Any] | None = None, drop_last: bool = False,
                 generator: Generator | None = None, num_workers: int = 0,
                 pin_memory: bool = False):
        if batch_size is not None and (isinstance(batch_size, bool) or
                                       not isinstance(batch_size, (int, np.integer)) or
                                       batch_size <= 0):
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size!r}"
            )
        if batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive with "
                "drop_last"
            )
        if num_workers < 0:
            raise ValueError(f"num_workers option should be non-negative, got {num_workers}")
        self.dataset = dataset
        self.batch_size = None if batch_size is None else int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.collate_fn = collate_fn
        self.generator = generator
        self.num_workers = num_workers
        self.pin_memory = pin_memory

    def __len__(self) -> int:
        n = len(self.dataset)
        if self.batch_size is None:
            return n
        if self.drop_last:
            return n // self.batch_size
        return math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        return _LoaderIterator(self)

    def _batch_indices(self) -> Iterator[Any]:
        """Where each batch's samples are: an int (batch_size=None), a slice (in order) or an
        integer array (shuffled: a slice of a new random permutation, drawn here)."""
        n = len(self.dataset)
        order = randperm(n, generator=self.generator or default_generator)._array \
            if self.shuffle else None
        if self.batch_size is None:
            for i in range(n):
                yield i if order is None else int(order[i])
            return
        size = self.batch_size
        stop = n - n % size if self.drop_last else n
        for start in range(0, stop, size):
            yield slice(start, min(start + size, n)) if order is None \
                else order[start:start + size]


class _LoaderIterator:
    """One pass over a :class:`DataLoader`: what ``iter(loader)`` (and so a for loop) gets.

    Each ``next()`` moves past its batch before reading the samples, so an error from
    the dataset or ``collate_fn`` comes out of that ``next()`` and the following one goes
    on with the batch after it, as in PyTorch (a generator would end the epoch instead).
    """

    def __init__(self, loader: DataLoader):
        self._loader = loader
        self._indices: Iterator[Any] | None = None  # made (and shuffled) at the first next()
        self._at_once = loader.collate_fn is None and _batches_at_once(loader.dataset)

    def __iter__(self) -> _LoaderIterator:
        return self

    def __len__(self) -> int:
        return len(self._loader)

    def __next__(self) -> Any:
        if self._indices is None:
            self._indices = self._loader._batch_indices()
        index = next(self._indices)  # StopIteration at the end of the epoch
        loader = self._loader
        dataset = loader.dataset
        if loader.batch_size is None:
            return dataset[index]
        if self._at_once:
            return dataset._get_batch(index)
        positions = range(len(dataset))[index] if isinstance(index, slice) else index.tolist()
        samples = [dataset[i] for i in positions]
        return (loader.collate_fn or default_collate)(samples)


def default_collate(batch: list[Any]) -> Any:
    """Stack a list of samples into a batch, as PyTorch's ``default_collate``.

    Tensors and arrays are stacked along a new first axis; Python floats
    become a float64 tensor, ints an int64 tensor, numpy scalars keep their
    dtype; tuples and lists of fields
    become a list of batches, dicts a dict of batches; strings stay a list.

    Examples:
        >>> import autograd as ag
        >>> samples = [(ag.tensor([1.0, 2.0]), 0), (ag.tensor([3.0, 4.0]), 1)]
        >>> batch = ag.data.default_collate(samples)
        >>> batch
        [tensor([[1., 2.],
                [3., 4.]]), tensor([0, 1])]
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        shapes = {tuple(e.shape) for e in batch}
        if len(shapes) != 1:
            raise RuntimeError(
                f"default_collate: stack expects each tensor to be equal size, but got shapes "
                f"{sorted(shapes)} in one batch"
            )
        if any(e.requires_grad for e in batch):
            return stack(list(batch))
        xp = backend.get_array_module(elem._array)
        return Tensor(xp.stack([e._array for e in batch]))
    if isinstance(elem, np.ndarray):
        return default_collate([Tensor(np.asarray(e)) for e in batch])
    if isinstance(elem, np.generic) and elem.dtype.kind in "biuf":  # keeps the numpy dtype
        return Tensor(np.asarray(batch))
    if isinstance(elem, bool):
        return Tensor(np.asarray(batch, dtype=np.bool_))
    if isinstance(elem, int):
        return Tensor(np.asarray(batch, dtype=np.int64))
    if isinstance(elem, float):
        return Tensor(np.asarray(batch, dtype=np.float64))
    if isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, Mapping):
        return {key: default_collate([sample[key] for sample in batch]) for key in elem}
    if isinstance(elem, Sequence):
        if any(len(sample) != len(elem) for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(list(field)) for field in zip(*batch, strict=True)]
    raise TypeError(
        f"default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        f"found {type(elem).__name__}"
    )


def random_split(dataset: Dataset, lengths: Sequence[int | float],
                 generator: Generator | None = None) -> list[Subset]:
    """Split ``dataset`` at random into non-overlapping :class:`Subset` s of the given lengths.

    ``lengths`` are sample counts that add up to ``len(dataset)``, or
    fractions that add up to 1: each split gets floor(fraction * N) samples and
    the remainder is dealt out one by one from the first split on (PyTorch's rule).

    Returns one :class:`Subset` per length. The order comes from ``generator`` (default: the
    global one that ``ag.manual_seed`` seeds). Counts that do not add up to ``len(dataset)``
    (or fractions that do not add up to 1) raise ValueError.

    Examples:
        >>> import autograd as ag
        >>> ds = ag.data.TensorDataset(ag.arange(10.0))
        >>> train, val = ag.data.random_split(ds, [0.8, 0.2])
        >>> len(train), len(val)
        (8, 2)
        >>> sorted(train.indices + val.indices) == list(range(10))
        True
    """
    n = len(dataset)
    lengths = list(lengths)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= n:
        counts = []
        for i, fraction in enumerate(lengths):
            if fraction < 0 or fraction > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            counts.append(int(math.floor(n * fraction)))
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        for i, count in enumerate(counts):
            if count == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an "
                              "empty dataset.", stacklevel=2)
        lengths = counts
    if any(not float(length).is_integer() or length < 0 for length in lengths):
        raise ValueError(
            f"random_split lengths must be non-negative integers or fractions summing to 1, "
            f"got {lengths}"
        )
    if sum(lengths) != n:
        raise ValueError(
            f"Sum of input lengths ({sum(lengths)}) does not equal the length of the input "
            f"dataset ({n})!"
        )
    indices = randperm(n, generator=generator or default_generator)._array.tolist()
    splits, offset = [], 0
    for length in lengths:
        length = int(length)
        splits.append(Subset(dataset, indices[offset:offset + length]))
        offset += length
    return splits
