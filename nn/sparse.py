"""``Embedding``: a table of vectors looked up by integer index (word vectors, class vectors)."""

from __future__ import annotations

from typing import Any

import autograd as ag

from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["Embedding"]


class Embedding(Module):
    """A lookup table: ``Embedding(num_embeddings, embedding_dim)(indices)`` gives the rows
    ``weight[indices]``, shape indices.shape + (embedding_dim,).

    ``weight`` (num_embeddings, embedding_dim) starts as N(0, 1), as PyTorch's. The row
    ``padding_idx`` (negative counts from the end) starts at zero and gets no gradient, so
    it stays a "nothing here" vector. ``max_norm`` renormalises the rows looked up whose
    ``norm_type``-norm exceeds it (in place); ``scale_grad_by_freq`` divides each row's
    gradient by the row's count in the batch.

    Input: integer indices of any shape; output ``(*, embedding_dim)``. An index outside
    [0, num_embeddings) raises IndexError.

    Examples:
        >>> import autograd as ag, nn
        >>> emb = nn.Embedding(10, 3)
        >>> emb.weight.shape
        autograd.Size([10, 3])
        >>> emb(ag.tensor([[1, 2, 4], [4, 3, 9]])).shape
        autograd.Size([2, 3, 3])
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0,
                 scale_grad_by_freq: bool = False, sparse: bool = False,
                 _weight: Any = None, _freeze: bool = False, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise AssertionError("Padding_idx must be within num_embeddings")
            if padding_idx < 0:
                padding_idx = num_embeddings + padding_idx
        self.padding_idx = padding_idx
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        if sparse:
            raise NotImplementedError("Embedding: sparse gradients are not supported; "
                                      "use sparse=False")
        self.sparse = sparse
        if _weight is None:
            self.weight = Parameter(ag.empty((num_embeddings, embedding_dim), dtype=dtype,
                                             device=device), requires_grad=not _freeze)
            self.reset_parameters()
        else:
            if list(_weight.shape) != [num_embeddings, embedding_dim]:
                raise AssertionError(
                    "Shape of weight does not match num_embeddings and embedding_dim"
                )
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self) -> None:
        """weight ~ N(0, 1), the padding_idx row zero.

        Examples:
            >>> import nn
            >>> emb = nn.Embedding(4, 2, padding_idx=0)
            >>> emb.reset_parameters()
            >>> emb.weight[0].tolist()
            [0.0, 0.0]
        """
        init.normal_(self.weight)
        self._fill_padding_idx_with_zero()

    def _fill_padding_idx_with_zero(self) -> None:
        if self.padding_idx is not None:
            with ag.no_grad():
                self.weight[self.padding_idx] = 0

    def forward(self, input: ag.Tensor) -> ag.Tensor:
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                           self.scale_grad_by_freq, self.sparse)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq is not False:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        if self.sparse is not False:
            s += ", sparse=True"
        return s

    @classmethod
    def from_pretrained(cls, embeddings: ag.Tensor, freeze: bool = True,
                        padding_idx: int | None = None, max_norm: float | None = None,
                        norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                        sparse: bool = False) -> Embedding:
        """An Embedding whose weight is ``embeddings`` (2-D, shared, not copied; the padding
        row kept as given); ``freeze=True`` makes it not require grad.

        Examples:
            >>> import autograd as ag, nn
            >>> vectors = ag.tensor([[0.0, 1.0], [2.0, 3.0]])
            >>> emb = nn.Embedding.from_pretrained(vectors)
            >>> emb(ag.tensor([1, 1, 0]))
            tensor([[2., 3.],
                    [2., 3.],
                    [0., 1.]])
            >>> emb.weight.requires_grad
            False
        """
        if embeddings.ndim != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        rows, cols = embeddings.shape
        return cls(num_embeddings=rows, embedding_dim=cols, _weight=embeddings, _freeze=freeze,
                   padding_idx=padding_idx, max_norm=max_norm, norm_type=norm_type,
                   scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)
