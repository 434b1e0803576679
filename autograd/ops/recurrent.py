"""The fused ops of the recurrent layers: a gate, and an LSTM's two state updates.

An LSTM computes its four gates from one (N, 4H) product laid out as PyTorch lays it
out, the blocks i, f, g, o side by side:

    a = W_ih x + b_ih + W_hh h + b_hh
    i = sigmoid(a_i)   f = sigmoid(a_f)   g = tanh(a_g)   o = sigmoid(a_o)

    c' = f * c + i * g                                     (lstm_state)
    h' = o * tanh(c')                                      (lstm_output)

(a GRU's r and z likewise from blocks of its (N, 3H) product). Written as slices,
activations, products and sums, an LSTM step is twelve nodes of the graph and runs once
per time step and layer; ``lstm_state(a, c)`` and ``lstm_output(a, c')`` are one node
each, with their derivatives beside them. ``gate(a, k, chunks, fn)`` is one block
activated, as one node (the GRU's r and z). The products with the weights are the
ordinary ``linear`` in ``nn/rnn.py``.
"""

from __future__ import annotations

from typing import Any

from ..backend import expit, get_array_module
from ..dtypes import scalar_like
from ..function import Op
from .shape import _index_backward

__all__ = ["Gate", "gate", "LSTMState", "LSTMOutput", "lstm_state", "lstm_output"]

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


def _gate_blocks(a: Any, c: Any) -> int:
    """H, the width of each of the four gate blocks of a (..., 4H), which c (..., H) must match."""
    width = c.shape[-1] if c.ndim else 0
    if a.ndim == 0 or a.shape[-1] != 4 * width or a.shape[:-1] != c.shape[:-1]:
        raise RuntimeError(
            f"an LSTM's gates of shape {tuple(a.shape)} need a cell state of shape "
            f"(..., H) with 4H = {a.shape[-1] if a.ndim else 0}; got {tuple(c.shape)}"
        )
    return width


def _sigmoid(x: Any) -> Any:
    return x.sigmoid() if hasattr(x, "grad_fn") else expit(x)


class LSTMState(Op):
    """c' = f * c + i * g, with i = sigmoid(a_i), f = sigmoid(a_f), g = tanh(a_g) from the
    blocks of the gates' pre-activation a = [a_i, a_f, a_g, a_o].

    dc'/dc = f;  dc'/da_i = g i (1 - i);  dc'/da_f = c f (1 - f);  dc'/da_g = i (1 - g^2);
    a_o does not enter c'.
    """

    @staticmethod
    def forward(ctx, a, c):
        h = _gate_blocks(a, c)
        xp = get_array_module(a)
        i_f = expit(a[..., :2 * h])  # i and f in one call
        i, f, g = i_f[..., :h], i_f[..., h:], xp.tanh(a[..., 2 * h:3 * h])
        ctx.save_for_backward(a, c, i, f, g)
        return f * c + i * g

    @staticmethod
    def backward(ctx, grad):
        a, c, i, f, g = ctx.saved_tensors
        xp = get_array_module(grad)
        if hasattr(grad, "grad_fn"):  # create_graph: the gates again, as functions of a
            h = c.shape[-1]
            i, f, g = _sigmoid(a[..., :h]), _sigmoid(a[..., h:2 * h]), xp.tanh(a[..., 2 * h:3 * h])
        one = scalar_like(1, i)
        d_i = grad * g * i * (one - i)
        d_f = grad * c * f * (one - f)
        d_g = grad * i * (one - g * g)
        return xp.concatenate([d_i, d_f, d_g, xp.zeros_like(d_i)], -1), grad * f


class LSTMOutput(Op):
    """h' = o * tanh(c'), with o = sigmoid(a_o), the last block of a = [a_i, a_f, a_g, a_o].

    dh'/da_o = tanh(c') o (1 - o);  dh'/dc' = o (1 - tanh(c')^2).
    """

    @staticmethod
    def forward(ctx, a, c):
        h = _gate_blocks(a, c)
        o, t = expit(a[..., 3 * h:]), get_array_module(c).tanh(c)
        ctx.save_for_backward(a, c, o, t)
        return o * t

    @staticmethod
    def backward(ctx, grad):
        a, c, o, t = ctx.saved_tensors
        xp = get_array_module(grad)
        if hasattr(grad, "grad_fn"):  # create_graph: o and tanh(c') as functions of a and c'
            o, t = _sigmoid(a[..., 3 * c.shape[-1]:]), xp.tanh(c)
        one = scalar_like(1, o)
        d_o = grad * t * o * (one - o)
        zeros = xp.zeros_like(d_o)
        return xp.concatenate([zeros, zeros, zeros, d_o], -1), grad * o * (one - t * t)


def lstm_state(gates: Any, cx: Any) -> Any:
    """An LSTM's new cell state c' = f * c + i * g from its gates' pre-activation
    (..., 4H) in PyTorch's order i, f, g, o and its cell state c (..., H), as one node."""
    return LSTMState.apply(gates, cx)


def lstm_output(gates: Any, cy: Any) -> Any:
    """An LSTM's new hidden state h' = o * tanh(c') from its gates' pre-activation
    (..., 4H) and its new cell state c' (..., H), as one node."""
    return LSTMOutput.apply(gates, cy)
