"""Sequences of different lengths in one batch, as ``torch.nn.utils.rnn``.

Two ways to put sequences of lengths L_1 >= L_2 >= ... into one tensor:

- padded: (T, B, *) (or (B, T, *) with ``batch_first``), T = the longest length, each
  sequence followed by padding (``pad_sequence``);
- packed: a :class:`PackedSequence`, the time steps one after the other, each holding
  only the sequences that are still running (``pack_padded_sequence``,
  ``pack_sequence``). ``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` take one and run each
  sequence for its own length only, so the padding never reaches the states.

``pad_packed_sequence`` turns a packed sequence (an RNN's output) back into a padded
tensor and the lengths. Every function here is differentiable in the sequences' values.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

import autograd as ag
from autograd.ops.shape import IndexPut

Tensor = ag.Tensor

__all__ = ["PackedSequence", "pad_sequence", "unpad_sequence", "pack_padded_sequence",
           "pad_packed_sequence", "pack_sequence", "unpack_sequence"]


class PackedSequence(NamedTuple):
    """A batch of sequences of different lengths, time step after time step.

    ``data`` (sum of the lengths, *): step 0 of every sequence, then step 1 of every
    sequence that has one, ...; ``batch_sizes`` (int64, on the CPU): how many sequences
    each step holds, never increasing. The sequences are sorted longest first;
    ``sorted_indices`` gives, per position in that order, the sequence's index in the
    original batch, and ``unsorted_indices`` the inverse (both None when the batch was
    already sorted). Build one with :func:`pack_padded_sequence` or :func:`pack_sequence`.

    Examples:
        >>> import autograd as ag, nn
        >>> seqs = [ag.ones(3, 2), 2 * ag.ones(1, 2), 3 * ag.ones(2, 2)]
        >>> packed = nn.utils.rnn.pack_sequence(seqs, enforce_sorted=False)
        >>> packed.batch_sizes
        tensor([3, 2, 1])
        >>> packed.data[:, 0]
        tensor([1., 3., 2., 1., 3., 1.])
        >>> packed.sorted_indices
        tensor([0, 2, 1])
    """

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """``data`` (and the indices, which follow it) moved or cast; ``batch_sizes`` stays
        on the CPU, as in PyTorch.

        Examples:
            >>> import autograd as ag, nn
            >>> packed = nn.utils.rnn.pack_sequence([ag.ones(2, 1), ag.ones(1, 1)])
            >>> packed.to(ag.float64).data.dtype, packed.batch_sizes
            (autograd.float64, tensor([2, 1]))
        """
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        move = (lambda t: None if t is None else t.to(data.device))
        return type(self)(data, self.batch_sizes, move(self.sorted_indices),
                          move(self.unsorted_indices))

    def cuda(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """The sequence with ``data`` on the GPU (see :meth:`to`).

        Examples:
            >>> import autograd as ag, nn
            >>> packed = nn.utils.rnn.pack_sequence([ag.ones(2, 1), ag.ones(1, 1)])
            >>> gpu = packed.cuda()  # doctest: +SKIP
            >>> packed.cpu().data.device
            device(type='cpu')
        """
        return self.to("cuda")

    def cpu(self) -> PackedSequence:
        """The sequence with ``data`` on the CPU (see :meth:`to`).

        Examples:
            >>> import autograd as ag, nn
            >>> packed = nn.utils.rnn.pack_sequence([ag.ones(2, 1), ag.ones(1, 1)])
            >>> packed.cpu().data.device, packed.cpu().batch_sizes
            (device(type='cpu'), tensor([2, 1]))
        """
        return self.to("cpu")

    def double(self) -> PackedSequence:
        """The sequence with ``data`` cast to float64.

        Examples:
            >>> import autograd as ag, nn
            >>> packed = nn.utils.rnn.pack_sequence([ag.ones(2, 1), ag.ones(1, 1)])
            >>> packed.double().data.dtype
            autograd.float64
        """
        return self.to(ag.float64)

    def float(self) -> PackedSequence:
        """The sequence with ``data`` cast to float32.

        Examples:
            >>> import autograd as ag, nn
            >>> packed = nn.utils.rnn.pack_sequence([ag.ones(2, 1), ag.ones(1, 1)])
            >>> packed.double().float().data.dtype
            autograd.float32
        """
        return self.to(ag.float32)

    @property
    def is_cuda(self) -> bool:
        """Whether ``data`` is on a CUDA device.

        Examples:
            >>> import autograd as ag, nn
            >>> packed = nn.utils.rnn.pack_sequence([ag.ones(2, 1), ag.ones(1, 1)])
            >>> packed.is_cuda
            False
        """
        return self.data.is_cuda


def pad_sequence(sequences: Any, batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Stack sequences of shapes (L_i, *) into one (T, B, *) tensor ((B, T, *) with
    ``batch_first``), T = max L_i, each sequence padded with ``padding_value`` after its
    end (``padding_side='left'``: before its start).

    Sequences whose trailing shapes differ raise RuntimeError.

    Examples:
        >>> import autograd as ag, nn
        >>> seqs = [ag.ones(3, 2), 2 * ag.ones(1, 2), 3 * ag.ones(2, 2)]
        >>> nn.utils.rnn.pad_sequence(seqs, batch_first=True)[..., 0]
        tensor([[1., 1., 1.],
                [2., 0., 0.],
                [3., 3., 0.]])
    """
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got "
                           f"{padding_side}.")
    if isinstance(sequences, Tensor):
        sequences = sequences.unbind(0)
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    trailing = tuple(sequences[0].shape[1:])
    for k, s in enumerate(sequences):
        if tuple(s.shape[1:]) != trailing:
            raise RuntimeError(f"pad_sequence: every sequence must have the shape (L, "
                               f"{', '.join(map(str, trailing))}) after its first dimension; "
                               f"sequence 0 has {tuple(sequences[0].shape)}, sequence {k} "
                               f"{tuple(s.shape)}")
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        missing = longest - s.shape[0]
        if missing:
            fill = ag.full((missing, *trailing), padding_value, dtype=s.dtype, device=s.device)
            s = ag.cat([s, fill] if padding_side == "right" else [fill, s], 0)
        padded.append(s)
    return ag.stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences: Tensor, lengths: Any,
                   batch_first: bool = False) -> list[Tensor]:
    """The inverse of :func:`pad_sequence` (right padding): the list of sequences (L_i, *).

    Examples:
        >>> import autograd as ag, nn
        >>> seqs = [ag.ones(3, 2), 2 * ag.ones(1, 2), 3 * ag.ones(2, 2)]
        >>> padded = nn.utils.rnn.pad_sequence(seqs, batch_first=True)
        >>> lengths = ag.tensor([3, 1, 2])
        >>> seqs = nn.utils.rnn.unpad_sequence(padded, lengths, batch_first=True)
        >>> [tuple(s.shape) for s in seqs]
        [(3, 2), (1, 2), (2, 2)]
    """
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [padded_sequences[i, :n] for i, n in enumerate(_lengths_list(lengths))]


def _lengths_list(lengths: Any) -> list[int]:
    if isinstance(lengths, Tensor):
        if lengths.is_cuda:  # as PyTorch: the lengths are needed on the host
            raise RuntimeError("'lengths' argument should be a 1D CPU int64 tensor, but got "
                               f"1D {lengths.device} {lengths.dtype} tensor")
        lengths = lengths.tolist()
    return [int(n) for n in np.asarray(lengths).reshape(-1)]


def pack_padded_sequence(input: Tensor, lengths: Any, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch (T, B, *) ((B, T, *) with ``batch_first``) of sequences of the
    given ``lengths`` into a :class:`PackedSequence`.

    With ``enforce_sorted=True`` the lengths must not increase; otherwise the batch is
    sorted here, and ``sorted_indices``/``unsorted_indices`` record the order.

    Feed the result to an RNN, LSTM or GRU, which then skips the padding.

    Examples:
        >>> import autograd as ag, nn
        >>> seqs = [ag.ones(3, 2), 2 * ag.ones(1, 2), 3 * ag.ones(2, 2)]
        >>> padded = nn.utils.rnn.pad_sequence(seqs, batch_first=True)
        >>> packed = nn.utils.rnn.pack_padded_sequence(padded, [3, 1, 2], batch_first=True,
        ...                                            enforce_sorted=False)
        >>> output, h_n = nn.GRU(2, 4, batch_first=True)(packed)
        >>> out, lengths = nn.utils.rnn.pad_packed_sequence(output, batch_first=True)
        >>> out.shape, lengths, h_n.shape
        (autograd.Size([3, 3, 4]), tensor([3, 1, 2]), autograd.Size([1, 3, 4]))
    """
    lengths = _lengths_list(lengths)
    batch_dim = 0 if batch_first else 1
    batch = input.shape[batch_dim]
    if len(lengths) != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{len(lengths)} (batch_size={batch})")
    if any(n <= 0 for n in lengths):
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    steps = input.shape[1 - batch_dim]
    if max(lengths) > steps:
        raise RuntimeError(f"a length of {max(lengths)} exceeds the {steps} time steps of the "
                           f"padded input of shape {tuple(input.shape)}")
    sorted_indices = None
    if enforce_sorted:
        if any(a < b for a, b in zip(lengths, lengths[1:])):
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                "pack_sequence to sidestep this requirement if you do not need ONNX "
                "exportability.")
    else:
        order = sorted(range(batch), key=lambda i: -lengths[i])  # stable: ties keep order
        sorted_indices = ag.tensor(order, dtype=ag.int64, device=input.device)
        lengths = [lengths[i] for i in order]
        input = input.index_select(batch_dim, sorted_indices)
    if batch_first:
        input = input.transpose(0, 1)
    batch_sizes = [sum(1 for n in lengths if n > t) for t in range(lengths[0])]
    # Row t * B + b of the (T * B, *) time-major input is step t of sequence b: keep the
    # rows of the sequences still running, step after step, with one index.
    rows = np.concatenate([np.arange(n) + t * batch for t, n in enumerate(batch_sizes)])
    flat = input.reshape(steps * batch, *input.shape[2:])
    data = flat[ag.tensor(rows, device=input.device)]
    return PackedSequence(data, ag.tensor(batch_sizes, dtype=ag.int64), sorted_indices,
                          _invert(sorted_indices))


def _invert(permutation: Tensor | None) -> Tensor | None:
    if permutation is None:
        return None
    inverse = np.empty(permutation.shape[0], dtype=np.int64)
    inverse[np.asarray(permutation.cpu().tolist())] = np.arange(permutation.shape[0])
    return ag.tensor(inverse, device=permutation.device)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0, total_length: int | None = None
                        ) -> tuple[Tensor, Tensor]:
    """The inverse of :func:`pack_padded_sequence`: (padded, lengths), padded (T, B, *)
    ((B, T, *) with ``batch_first``) in the original batch order, T = the longest
    length (or ``total_length``), lengths an int64 tensor of the B lengths.

    Examples:
        >>> import autograd as ag, nn
        >>> seqs = [ag.ones(3, 2), 2 * ag.ones(1, 2), 3 * ag.ones(2, 2)]
        >>> packed = nn.utils.rnn.pack_sequence(seqs, enforce_sorted=False)
        >>> padded, lengths = nn.utils.rnn.pad_packed_sequence(packed)
        >>> padded.shape, lengths
        (autograd.Size([3, 3, 2]), tensor([3, 1, 2]))
    """
    data, batch_sizes = sequence.data, [int(b) for b in sequence.batch_sizes.tolist()]
    batch, longest = batch_sizes[0], len(batch_sizes)
    if total_length is not None:
        if total_length < longest:
            raise ValueError(
                f"Expected total_length to be at least the length of the longest sequence in "
                f"input, but got total_length={total_length} and max sequence length being "
                f"{longest}")
        longest = total_length
    rows = np.concatenate([np.arange(n) + t * batch for t, n in enumerate(batch_sizes)])
    trailing = tuple(data.shape[1:])
    # data's rows put back at their (t, b) places, zeros elsewhere, then the padding value
    padded = IndexPut.apply(data, (longest * batch, *trailing),
                            ag.tensor(rows, device=data.device)._array)
    if padding_value != 0:
        empty = np.ones(longest * batch, dtype=bool)
        empty[rows] = False
        fill = ag.tensor(empty.reshape(-1, *([1] * len(trailing))), device=data.device)
        padded = padded + fill.to(data.dtype) * padding_value
    padded = padded.reshape(longest, batch, *trailing)
    lengths = [sum(1 for n in batch_sizes if n > b) for b in range(batch)]
    if batch_first:
        padded = padded.transpose(0, 1)
    lengths_t = ag.tensor(lengths, dtype=ag.int64)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(0 if batch_first else 1, sequence.unsorted_indices)
        lengths_t = ag.tensor([lengths[i] for i in sequence.unsorted_indices.cpu().tolist()],
                              dtype=ag.int64)
    return padded, lengths_t


def pack_sequence(sequences: Any, enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences (L_i, *) (longest first unless ``enforce_sorted=False``).

    Examples:
        >>> import autograd as ag, nn
        >>> seqs = [ag.ones(3, 2), ag.ones(2, 2)]
        >>> nn.utils.rnn.pack_sequence(seqs).batch_sizes
        tensor([2, 2, 1])
    """
    sequences = list(sequences)
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """The inverse of :func:`pack_sequence`: the list of sequences (L_i, *).

    Examples:
        >>> import autograd as ag, nn
        >>> seqs = [ag.ones(3, 2), 2 * ag.ones(1, 2), 3 * ag.ones(2, 2)]
        >>> packed = nn.utils.rnn.pack_sequence(seqs, enforce_sorted=False)
        >>> [s[:, 0] for s in nn.utils.rnn.unpack_sequence(packed)]
        [tensor([1., 1., 1.]), tensor([2.]), tensor([3., 3.])]
    """
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
