"""The one fused op of the recurrent layers: a gate, one block of a product, activated.

An LSTM computes its four gates from one (N, 4H) product laid out as PyTorch lays it
out, the blocks i, f, g, o side by side:

    a = W_ih x + b_ih + W_hh h + b_hh
    i = sigmoid(a_i)   f = sigmoid(a_f)   g = tanh(a_g)   o = sigmoid(a_o)

(a GRU's r and z likewise from blocks of its (N, 3H) product). Written as a slice and
an activation, each gate is two nodes of the graph; ``gate(a, k, chunks, fn)`` is one,
which a recurrent layer feels: it runs once per gate, time step and layer. Everything
else in the cells (the products, the sums, tanh(c)) is composed of the ordinary ops
in ``nn/rnn.py``.
"""

from __future__ import annotations

from typing import Any

from ..backend import expit, get_array_module
from ..dtypes import scalar_like
from ..function import Op
from .shape import _index_backward

__all__ = ["Gate", "gate"]

_NONLINEARITIES = ("sigmoid", "tanh")


class Gate(Op):
    """y = f(a_k), a_k the k-th of ``chunks`` equal blocks of a's last axis, f sigmoid or tanh.

    dL/da is dL/dy * f'(a_k) in block k and 0 elsewhere, with f' from the output:
    y (1 - y) for sigmoid, 1 - y^2 for tanh.
    """
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, a, k, chunks, nonlinearity):
        if a.ndim == 0 or a.shape[-1] % chunks or not 0 <= k < chunks:
            raise RuntimeError(
                f"gate: cannot take block {k} of {chunks} equal blocks of the last dimension "
                f"of a tensor of shape {tuple(a.shape)}"
            )
        width = a.shape[-1] // chunks
        block = (Ellipsis, slice(k * width, (k + 1) * width))
        ctx.shape, ctx.dtype, ctx.block, ctx.nonlinearity = a.shape, a.dtype, block, nonlinearity
        y = expit(a[block]) if nonlinearity == "sigmoid" else get_array_module(a).tanh(a[block])
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        one = scalar_like(1, y)
        slope = (one - y) * y if ctx.nonlinearity == "sigmoid" else one - y * y
        xp = get_array_module(grad)
        if hasattr(grad, "grad_fn"):  # create_graph: a differentiable scatter, as indexing's
            return _index_backward(xp, grad * slope, ctx.shape, ctx.dtype, ctx.block), \
                None, None, None
        da = xp.zeros(ctx.shape, dtype=ctx.dtype)  # the block's gradient, zeros elsewhere
        xp.multiply(grad, slope, out=da[ctx.block])
        return da, None, None, None


def gate(input: Any, k: int, chunks: int, nonlinearity: str = "sigmoid") -> Any:
    """``nonlinearity`` ('sigmoid' or 'tanh') of the k-th of ``chunks`` equal blocks of
    ``input``'s last axis: ``gate(a, 2, 4, 'tanh')`` is tanh(a[..., 2H:3H]) for a of
    width 4H, as one node."""
    if nonlinearity not in _NONLINEARITIES:
        raise ValueError(f"gate: nonlinearity must be 'sigmoid' or 'tanh', got {nonlinearity!r}")
    return Gate.apply(input, k, chunks, nonlinearity)
