"""``nn.Parameter``: a Tensor that a Module registers as one of its weights."""

from __future__ import annotations

from typing import Any

import autograd as ag

__all__ = ["Parameter"]


class Parameter(ag.Tensor):
    """A leaf Tensor that requires grad and that a Module lists in ``parameters()``.

    ``Parameter(t)`` shares ``t``'s array, as in PyTorch; results of operations
    on a Parameter are plain Tensors.

    Examples:
        >>> import autograd as ag, nn
        >>> w = nn.Parameter(ag.zeros(2, 3))
        >>> w.requires_grad, w.shape
        (True, autograd.Size([2, 3]))
        >>> (w * 2).requires_grad, type(w * 2).__name__
        (True, 'Tensor')
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True):
        if data is None:
            data = ag.empty(0)
        super().__init__(data._array if isinstance(data, ag.Tensor) else data)
        if requires_grad:
            self.requires_grad_(True)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo: dict) -> Parameter:
        if id(self) in memo:
            return memo[id(self)]
        copy = Parameter(self._array.copy(), self.requires_grad)
        if self.grad is not None:
            copy.grad = ag.Tensor(self.grad._array.copy())
        memo[id(self)] = copy
        return copy
