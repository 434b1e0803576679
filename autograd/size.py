"""``ag.Size``: the shape of a tensor, a tuple of ints that prints as PyTorch's torch.Size."""

from __future__ import annotations

from typing import Any

__all__ = ["Size"]


class Size(tuple):
    """What ``x.size()`` and ``x.shape`` return: a tuple of ints, ``autograd.Size([3, 28, 28])``.

    It compares equal to the plain tuple, and slices and sums of it are Sizes again.

    Examples:
        >>> import autograd as ag
        >>> s = ag.zeros(3, 28, 28).shape
        >>> s, s == (3, 28, 28), s[1:], s.numel()
        (autograd.Size([3, 28, 28]), True, autograd.Size([28, 28]), 2352)
    """

    __slots__ = ()

    def numel(self) -> int:
        """The number of elements a tensor of this shape holds (1 for ``Size([])``).

        Examples:
            >>> import autograd as ag
            >>> ag.zeros(3, 28, 28).shape.numel(), ag.Size([]).numel()
            (2352, 1)
        """
        n = 1
        for d in self:
            n *= d
        return n

    def __getitem__(self, index: Any) -> Any:
        item = tuple.__getitem__(self, index)
        return Size(item) if isinstance(index, slice) else item

    def __add__(self, other: Any) -> Size:
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other: Any) -> Size:
        return Size(tuple(other) + tuple(self))

    def __repr__(self) -> str:
        return f"autograd.Size({list(self)})"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        return (Size, (tuple(self),))
