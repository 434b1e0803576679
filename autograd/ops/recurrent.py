"""The one fused op of the recurrent layers: an LSTM's four gate activations in one node.

An LSTM cell computes its four gates from one (N, 4H) block of pre-activations,
laid out as PyTorch lays them out, i, f, g, o:

    i = sigmoid(a_i)   f = sigmoid(a_f)   g = tanh(a_g)   o = sigmoid(a_o)

Written as four slices and four activations that is eight nodes per time step;
this op is one. Everything else in the cell (the products, the sum, tanh(c)) is
composed of the ordinary ops in ``nn/rnn.py``.
"""

from __future__ import annotations

from typing import Any

from ..backend import expit, get_array_module
from ..dtypes import scalar_like
from ..function import Function, unwrap

__all__ = ["LSTMGates", "lstm_gates"]

# Per (4H, dtype, array module): the row that is 1 on the g block and 0 elsewhere (see backward).
_G_ROWS: dict[tuple[int, Any, Any], Any] = {}


def _g_row(xp: Any, width: int, dtype: Any) -> Any:
    """A row of ``width`` = 4H numbers: 1 on the cell gate's block [2H, 3H), 0 elsewhere.

    Cached per width, dtype and array module (it is a constant of the layer's shape).
    """
    key = (width, dtype, xp)
    try:
        return _G_ROWS[key]
    except KeyError:
        pass
    if len(_G_ROWS) > 64:
        _G_ROWS.clear()
    h = width // 4
    row = xp.zeros(width, dtype=dtype)
    row[2 * h:3 * h] = 1
    _G_ROWS[key] = row
    return row


class LSTMGates(Function):
    """y = [sigmoid(a_i), sigmoid(a_f), tanh(a_g), sigmoid(a_o)] along the last axis of a,
    whose length is 4H (the four blocks of H in PyTorch's order i, f, g, o).

    dy/da = y (1 - y) on the sigmoid blocks and 1 - y^2 on the tanh block: both are
    (1 - y)(y + m), with m = 0 on the sigmoid blocks and 1 on the tanh block, so the rule
    is one expression over the whole row (and works on Tensors, for create_graph).
    """

    array_level = True

    @staticmethod
    def forward(ctx, a):
        if a.ndim == 0 or a.shape[-1] % 4:
            raise RuntimeError(
                f"lstm_gates: the last dimension holds the 4 gates i, f, g, o, so its size "
                f"must be a multiple of 4, got shape {tuple(a.shape)}"
            )
        h = a.shape[-1] // 4
        y = expit(a)  # sigmoid everywhere, then tanh over the g block
        y[..., 2 * h:3 * h] = get_array_module(a).tanh(a[..., 2 * h:3 * h])
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        data = unwrap(y)  # y is a Tensor when create_graph records this rule
        m = _g_row(get_array_module(data), data.shape[-1], data.dtype)
        return grad * (scalar_like(1, y) - y) * (y + m)


def lstm_gates(input: Any) -> Any:
    """The four gate activations of an LSTM from its (..., 4H) pre-activations (see LSTMGates)."""
    return LSTMGates.apply(input)
