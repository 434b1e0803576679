"""``Linear``, ``Identity``, ``Flatten`` and ``Unflatten``."""

from __future__ import annotations

import math
from typing import Any

import autograd as ag

from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["Linear", "Identity", "Flatten", "Unflatten"]


class Linear(Module):
    """A fully connected layer: y = x W^T + b, i.e. a_j = b_j + sum_i y_i w_ji for each of its
    ``out_features`` neurons.

    ``weight`` has shape (out_features, in_features) and ``bias`` (out_features,). Both
    start as PyTorch's do: kaiming_uniform_ with a = sqrt(5), i.e. U(-1/sqrt(in), 1/sqrt(in)).
    ``bias=False`` leaves the bias out (``layer.bias`` is None).

    Input ``(*, in_features)``, any number of leading dimensions; output ``(*, out_features)``.
    An input whose last dimension is not ``in_features`` raises RuntimeError naming both shapes.

    Examples:
        >>> import autograd as ag, nn
        >>> _ = ag.manual_seed(0)
        >>> layer = nn.Linear(3, 2)
        >>> layer.weight.shape, layer.bias.shape
        (autograd.Size([2, 3]), autograd.Size([2]))
        >>> layer(ag.ones(4, 3)).shape
        autograd.Size([4, 2])
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(ag.empty((out_features, in_features), dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(ag.empty(out_features, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw the weight and the bias again, from U(-1/sqrt(in_features), 1/sqrt(in_features))
        as PyTorch's Linear does (Kaiming-uniform with a = sqrt(5)).

        Examples:
            >>> import autograd as ag, nn
            >>> m = nn.Linear(4, 2)
            >>> m.reset_parameters()
            >>> bool((m.weight.abs() <= 0.5).all()), bool((m.bias.abs() <= 0.5).all())
            (True, True)
        """
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Identity(Module):
    """f(x) = x; takes (and ignores) any constructor arguments, as PyTorch's.

    A placeholder where a layer is optional (e.g. no activation). Output is the input itself.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.Identity(54, unused="ignored")(ag.tensor([1.0, 2.0]))
        tensor([1., 2.])
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Any) -> Any:
        return input


class Flatten(Module):
    """Flattens dimensions start_dim..end_dim into one: (N, 28, 28) -> (N, 784) by default.

    ``start_dim`` (default 1) keeps the batch dimension; ``end_dim`` (default -1) is the last
    one, both included. Input (N, d_1, ..., d_k); output (N, d_1 * ... * d_k). Used between
    the convolutions and the Linear layers of a CNN.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.Flatten()(ag.zeros(2, 3, 4)).shape
        autograd.Size([2, 12])
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Splits dimension ``dim`` into ``unflattened_size``: ``Unflatten(1, (2, 5))`` turns
    (N, 10) into (N, 2, 5), the inverse of Flatten. One size may be -1 (inferred).

    Raises TypeError if ``unflattened_size`` is not a tuple of ints, RuntimeError if its
    sizes do not multiply up to the size of dimension ``dim``.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.Unflatten(1, (2, 5))(ag.zeros(3, 10)).shape
        autograd.Size([3, 2, 5])
    """

    def __init__(self, dim: int, unflattened_size: Any) -> None:
        super().__init__()
        if not isinstance(unflattened_size, (tuple, list)):
            raise TypeError("unflattened_size must be a tuple of ints, but found type "
                            f"{type(unflattened_size).__name__}")
        for i, n in enumerate(unflattened_size):
            if not isinstance(n, int):
                raise TypeError("unflattened_size must be tuple of ints, but found element of "
                                f"type {type(n).__name__} at pos {i}")
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        shape = tuple(input.shape)
        ndim = len(shape)
        if not -ndim <= self.dim < ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[{-ndim}, {ndim - 1}], but got {self.dim})")
        dim = self.dim % ndim
        sizes = list(self.unflattened_size)
        if sizes.count(-1) > 1:
            raise RuntimeError("unflatten: only one dimension can be inferred")
        known = math.prod(n for n in sizes if n != -1)
        if -1 in sizes and known and shape[dim] % known == 0:
            sizes[sizes.index(-1)] = shape[dim] // known
        if math.prod(sizes) != shape[dim] or -1 in sizes:
            raise RuntimeError(
                f"unflatten: Provided sizes {list(self.unflattened_size)} don't multiply up to "
                f"the size of dim {self.dim} ({shape[dim]}) in the input tensor"
            )
        return input.reshape(shape[:dim] + tuple(sizes) + shape[dim + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
