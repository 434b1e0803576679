"""Recurrent layers, as ``torch.nn``'s: ``RNN``, ``LSTM``, ``GRU`` and their cells.

A recurrent layer reads a sequence x_1, ..., x_L one step at a time and carries a state
from each step to the next. One step is a *cell*:

    h_t = cell(x_t, h_{t-1})          (an LSTM carries two: h_t, c_t = cell(x_t, h_{t-1}, c_{t-1}))

and the layer is the loop over t. Each cell below is a few lines of ordinary ops (linear,
sigmoid, tanh, products and sums), so the graph of a sequence is the cell's graph repeated
L times and backward through it is backpropagation through time (BPTT), with nothing
written for it. Stacked layers (``num_layers``) feed each layer's h_t to the next layer as
its x_t; ``bidirectional=True`` runs a second cell from t = L down to 1 and joins the two
h_t side by side.

Parameters, their names, shapes, order and initialisation are PyTorch's: per layer k (and
per direction, ``_reverse`` for the backward one) ``weight_ih_l{k}`` ``(G*H, H_in)``,
``weight_hh_l{k}`` ``(G*H, H)``, ``bias_ih_l{k}`` and ``bias_hh_l{k}`` ``(G*H,)``, with the G gates
stacked in the rows in PyTorch's order (LSTM: i, f, g, o; GRU: r, z, n), and an LSTM's
``weight_hr_l{k}`` (P, H) with ``proj_size`` = P, all drawn from U(-1/sqrt(H), 1/sqrt(H)).
A ``state_dict`` loads into ``torch.nn.LSTM`` and back.

Cost: a time step of an LSTM layer is 5 nodes of the graph (two products, their sum, c'
and h'), a GRU's 13, an Elman RNN's 4. Where
the input itself requires a gradient (an embedding's output), each step's slice x_t
gives backward a gradient the size of the whole input, so that part of backward grows
as L^2 (as indexing in a loop does in PyTorch, whose fused layers avoid it with a
one-node ``unbind``); the inner layers of a stack pass their h_t on without slicing.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable
from typing import Any

import autograd as ag
from autograd.ops.recurrent import gate, lstm_output, lstm_state

from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter
from .utils.rnn import PackedSequence

Tensor = ag.Tensor

__all__ = ["RNNCell", "LSTMCell", "GRUCell", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNBase",
           "rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell"]


# --- one time step of each cell: the equations -------------------------------------------

def rnn_tanh_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor,
                  b_ih: Tensor | None = None, b_hh: Tensor | None = None) -> Tensor:
    """Elman's cell: h' = tanh(W_ih x + b_ih + W_hh h + b_hh).

    Input (N, H_in), hx (N, H), w_ih (H, H_in), w_hh (H, H), biases (H,) or None; returns
    h' (N, H).

    Examples:
        >>> import autograd as ag, nn
        >>> h = nn.rnn.rnn_tanh_cell(ag.ones(2, 3), ag.zeros(2, 4), ag.zeros(4, 3), ag.zeros(4, 4))
        >>> h.shape
        autograd.Size([2, 4])
    """
    return ag.tanh(F.linear(input, w_ih, b_ih) + F.linear(hx, w_hh, b_hh))


def rnn_relu_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor,
                  b_ih: Tensor | None = None, b_hh: Tensor | None = None) -> Tensor:
    """Elman's cell with ReLU: h' = max(0, W_ih x + b_ih + W_hh h + b_hh).

    Shapes as for :func:`rnn_tanh_cell`.

    Examples:
        >>> import autograd as ag, nn
        >>> x, h = ag.tensor([[1.0, -1.0]]), ag.zeros(1, 2)
        >>> nn.rnn.rnn_relu_cell(x, h, ag.eye(2), ag.eye(2))
        tensor([[1., 0.]])
    """
    return ag.relu(F.linear(input, w_ih, b_ih) + F.linear(hx, w_hh, b_hh))


def lstm_cell(input: Tensor, hx: Tensor, cx: Tensor, w_ih: Tensor, w_hh: Tensor,
              b_ih: Tensor | None = None, b_hh: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """One step of an LSTM (Hochreiter and Schmidhuber, 1997), as PyTorch computes it:

        i = sigmoid(W_ii x + b_ii + W_hi h + b_hi)      input gate: how much of g to write
        f = sigmoid(W_if x + b_if + W_hf h + b_hf)      forget gate: how much of c to keep
        g = tanh(W_ig x + b_ig + W_hg h + b_hg)         the candidate cell value
        o = sigmoid(W_io x + b_io + W_ho h + b_ho)      output gate: how much of c to show
        c' = f * c + i * g
        h' = o * tanh(c')

    The four gates come from one product each with W_ih and W_hh, whose rows hold the
    gates' weights stacked in the order i, f, g, o. ``lstm_state`` computes c' from that
    (N, 4H) sum and ``lstm_output`` h', one node each, their derivatives written beside
    them (``autograd/ops/recurrent.py``). Returns (h', c').

    Examples:
        >>> import autograd as ag, nn
        >>> x, h, c = ag.ones(2, 3), ag.zeros(2, 4), ag.zeros(2, 4)
        >>> h1, c1 = nn.rnn.lstm_cell(x, h, c, ag.zeros(16, 3), ag.zeros(16, 4))
        >>> h1.shape, c1.shape
        (autograd.Size([2, 4]), autograd.Size([2, 4]))
        >>> c1[0]
        tensor([0., 0., 0., 0.])
    """
    a = F.linear(input, w_ih, b_ih) + F.linear(hx, w_hh, b_hh)  # (N, 4H): i, f, g, o
    cy = lstm_state(a, cx)  # f * c + i * g
    hy = lstm_output(a, cy)  # o * tanh(c')
    return hy, cy


def gru_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor,
             b_ih: Tensor | None = None, b_hh: Tensor | None = None) -> Tensor:
    """One step of a GRU (Cho et al., 2014), as PyTorch computes it:

        r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)          reset gate
        z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)          update gate
        n = tanh(W_in x + b_in + r * (W_hn h + b_hn))       the candidate state
        h' = (1 - z) * n + z * h

    The reset gate multiplies W_hn h + b_hn, bias included (PyTorch's form, as cuDNN's).
    h' is computed as n + z * (h - n), the same value in one product fewer.

    Examples:
        >>> import autograd as ag, nn
        >>> x, h = ag.ones(2, 3), ag.ones(2, 4)
        >>> nn.rnn.gru_cell(x, h, ag.zeros(12, 3), ag.zeros(12, 4))
        tensor([[0.5000, 0.5000, 0.5000, 0.5000],
                [0.5000, 0.5000, 0.5000, 0.5000]])
    """
    gi = F.linear(input, w_ih, b_ih)  # (N, 3H): r, z, n
    gh = F.linear(hx, w_hh, b_hh)
    a = gi + gh  # r's and z's pre-activations (n's block of this sum is not used)
    r = gate(a, 0, 3, "sigmoid")
    z = gate(a, 1, 3, "sigmoid")
    h = hx.shape[-1]
    n = ag.tanh(gi[:, 2 * h:] + r * gh[:, 2 * h:])
    return n + z * (hx - n)


# --- the cells as modules ----------------------------------------------------------------

class RNNCellBase(Module):
    """What the three cells share: ``weight_ih`` ``(G*H, H_in)``, ``weight_hh`` ``(G*H, H)``,
    ``bias_ih`` and ``bias_hh`` ``(G*H,)``, all from U(-1/sqrt(H), 1/sqrt(H)).

    Examples:
        >>> import nn
        >>> cell = nn.GRUCell(3, 4)
        >>> [(n, tuple(p.shape)) for n, p in cell.named_parameters()]
        [('weight_ih', (12, 3)), ('weight_hh', (12, 4)), ('bias_ih', (12,)), ('bias_hh', (12,))]
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        gates = num_chunks * hidden_size
        self.weight_ih = Parameter(ag.empty((gates, input_size), dtype=dtype, device=device))
        self.weight_hh = Parameter(ag.empty((gates, hidden_size), dtype=dtype, device=device))
        if bias:
            self.bias_ih = Parameter(ag.empty(gates, dtype=dtype, device=device))
            self.bias_hh = Parameter(ag.empty(gates, dtype=dtype, device=device))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw every weight and bias again from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)),
        as PyTorch does.

        Examples:
            >>> import autograd as ag, nn
            >>> m = nn.GRUCell(3, 4)
            >>> m.reset_parameters()
            >>> all(bool((p.abs() <= 0.5).all()) for p in m.parameters())
            True
        """
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _batched(self, name: str, input: Tensor, states: tuple) -> tuple[Tensor, tuple, bool]:
        """The input and states as (N, ...) batches (an unbatched input gets N = 1), the
        states zeros where not given; checked as PyTorch checks them."""
        if input.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.ndim}D instead")
        is_batched = input.ndim == 2
        if not is_batched:
            input = input.unsqueeze(0)
        if input.shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} "
                               f"expected {self.input_size}")
        out = []
        for k, state in enumerate(states):
            if state is None:
                state = ag.zeros((input.shape[0], self.hidden_size), dtype=input.dtype,
                                 device=input.device)
            elif not is_batched:
                state = state.unsqueeze(0)
            if state.shape[0] != input.shape[0]:
                raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match "
                                   f"hidden{k} batch size {state.shape[0]}")
            if state.shape[1] != self.hidden_size:
                raise RuntimeError(f"hidden{k} has inconsistent hidden_size: got "
                                   f"{state.shape[1]}, expected {self.hidden_size}")
            out.append(state)
        return input, tuple(out), is_batched

    def _weights(self) -> tuple:
        return self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh


def _check_state_dims(name: str, what: str, state: Tensor | None) -> None:
    if state is not None and state.ndim not in (1, 2):
        raise ValueError(f"{name}: Expected {what} to be 1D or 2D, got {state.ndim}D instead")


class RNNCell(RNNCellBase):
    """An Elman RNN cell: h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (ReLU instead of tanh
    with ``nonlinearity='relu'``).

    Input (N, H_in) or (H_in,), hidden (N, H) or (H,) (zeros when not given); returns h'
    of hidden's shape. ``weight_ih`` is (H, H_in), ``weight_hh`` (H, H).

    Examples:
        >>> import autograd as ag, nn
        >>> cell = nn.RNNCell(4, 8)
        >>> h = cell(ag.randn(3, 4))
        >>> h = cell(ag.randn(3, 4), h)
        >>> h.shape
        autograd.Size([3, 8])
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device,
                         dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        _check_state_dims("RNNCell", "hidden", hx)
        input, (hx,), is_batched = self._batched("RNNCell", input, (hx,))
        if self.nonlinearity == "tanh":
            ret = rnn_tanh_cell(input, hx, *self._weights())
        elif self.nonlinearity == "relu":
            ret = rnn_relu_cell(input, hx, *self._weights())
        else:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return ret if is_batched else ret.squeeze(0)


class LSTMCell(RNNCellBase):
    """A long short-term memory cell (the equations: :func:`lstm_cell`).

    Input (N, H_in) or (H_in,); ``hx`` = (h, c), each (N, H) or (H,), zeros when not given;
    returns (h', c'). ``weight_ih`` is (4H, H_in) and ``weight_hh`` (4H, H), their rows the
    gates i, f, g, o.

    Examples:
        >>> import autograd as ag, nn
        >>> cell = nn.LSTMCell(4, 8)
        >>> h, c = cell(ag.randn(3, 4))
        >>> h.shape, c.shape
        (autograd.Size([3, 8]), autograd.Size([3, 8]))
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device,
                         dtype=dtype)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None
                ) -> tuple[Tensor, Tensor]:
        if hx is not None:
            for k, state in enumerate(hx):
                _check_state_dims("LSTMCell", f"hx[{k}]", state)
        if input.ndim not in (1, 2):  # before hx is unpacked, as PyTorch orders its checks
            raise ValueError(f"LSTMCell: Expected input to be 1D or 2D, got {input.ndim}D "
                             "instead")
        h0, c0 = (None, None) if hx is None else hx
        input, (h0, c0), is_batched = self._batched("LSTMCell", input, (h0, c0))
        hy, cy = lstm_cell(input, h0, c0, *self._weights())
        return (hy, cy) if is_batched else (hy.squeeze(0), cy.squeeze(0))


class GRUCell(RNNCellBase):
    """A gated recurrent unit cell (the equations: :func:`gru_cell`).

    Input (N, H_in) or (H_in,), hidden (N, H) or (H,) (zeros when not given); returns h'.
    ``weight_ih`` is (3H, H_in) and ``weight_hh`` (3H, H), their rows the gates r, z, n.

    Examples:
        >>> import autograd as ag, nn
        >>> cell = nn.GRUCell(4, 8)
        >>> cell(ag.randn(3, 4)).shape
        autograd.Size([3, 8])
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device,
                         dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        _check_state_dims("GRUCell", "hidden", hx)
        input, (hx,), is_batched = self._batched("GRUCell", input, (hx,))
        ret = gru_cell(input, hx, *self._weights())
        return ret if is_batched else ret.squeeze(0)


# --- the layers: a cell over time, over layers, over directions ----------------------------

# One step of each mode on a state tuple: (h,) for RNN and GRU, (h, c) for LSTM.
# ``weights`` = (w_ih, w_hh, b_ih, b_hh, w_hr), the last None but for an LSTM with proj_size.
def _rnn_tanh_step(x: Tensor, state: tuple, weights: tuple) -> tuple:
    return (rnn_tanh_cell(x, state[0], *weights[:4]),)


def _rnn_relu_step(x: Tensor, state: tuple, weights: tuple) -> tuple:
    return (rnn_relu_cell(x, state[0], *weights[:4]),)


def _lstm_step(x: Tensor, state: tuple, weights: tuple) -> tuple:
    h, c = lstm_cell(x, state[0], state[1], *weights[:4])
    w_hr = weights[4]
    if w_hr is not None:  # proj_size: h = W_hr (o * tanh(c)), of width proj_size
        h = F.linear(h, w_hr)
    return h, c


def _gru_step(x: Tensor, state: tuple, weights: tuple) -> tuple:
    return (gru_cell(x, state[0], *weights[:4]),)


_STEPS: dict[str, Callable[[Tensor, tuple, tuple], tuple]] = {
    "RNN_TANH": _rnn_tanh_step, "RNN_RELU": _rnn_relu_step, "LSTM": _lstm_step,
    "GRU": _gru_step,
}
_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


class RNNBase(Module):
    """What ``RNN``, ``LSTM`` and ``GRU`` share: the parameters, the checks and the loop.

    Args:
        input_size, hidden_size: H_in, the features of each step's x_t, and H, of h_t.
        num_layers: stacked layers, each reading the previous one's h_t (default 1).
        bias: add b_ih and b_hh (default True).
        batch_first: input and output as (N, L, features) instead of (L, N, features).
        dropout: in training, dropout with this p on every layer's output but the last's;
            outside [0, 1] raises ValueError.
        bidirectional: run a second pass from the last step to the first (D = 2).

    ``forward(input, hx)`` takes input (L, N, H_in) ((N, L, H_in) with
    ``batch_first=True``, (L, H_in) unbatched, or a :class:`PackedSequence`) and returns
    (output, h_n): output ``(L, N, D*H)`` holds the last layer's h_t at every step (D = 2
    when bidirectional, the two directions side by side), h_n ``(D*num_layers, N, H)`` each
    layer's and direction's final h. An LSTM's state is the pair (h, c) in and out (h of
    width proj_size where that is set).

    Examples:
        >>> import autograd as ag, nn
        >>> lstm = nn.LSTM(3, 5, num_layers=2, bidirectional=True, batch_first=True)
        >>> output, (h_n, c_n) = lstm(ag.randn(4, 7, 3))
        >>> output.shape, h_n.shape
        (autograd.Size([4, 7, 10]), autograd.Size([4, 4, 5]))
        >>> len(lstm.all_weights), [tuple(w.shape) for w in lstm.all_weights[0]]
        (4, [(20, 3), (20, 5), (20,), (20,)])
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) \
                or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=3)
        for name, value, kind in (("bias", bias, bool), ("batch_first", batch_first, bool),
                                  ("input_size", input_size, int),
                                  ("hidden_size", hidden_size, int)):
            if not isinstance(value, kind):
                raise TypeError(f"{name} should be of type {kind.__name__}, got: "
                                f"{type(value).__name__}")
        if input_size <= 0:
            raise ValueError("input_size must be greater than zero")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _STEPS:
            raise ValueError("Unrecognized RNN mode: " + mode)
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_directions = 2 if bidirectional else 1
        gate_size = _GATES[mode] * hidden_size
        real_hidden_size = proj_size if proj_size > 0 else hidden_size  # the width of h
        # Registered in PyTorch's order: layer by layer, each direction's w_ih, w_hh, b_ih,
        # b_hh (and w_hr, an LSTM's projection of h, with proj_size).
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input_size = input_size if layer == 0 else \
                    real_hidden_size * num_directions
                suffix = "_reverse" if direction == 1 else ""
                shapes = {"weight_ih": (gate_size, layer_input_size),
                          "weight_hh": (gate_size, real_hidden_size)}
                if bias:
                    shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
                if proj_size:
                    shapes["weight_hr"] = (proj_size, hidden_size)
                names = []
                for kind, shape in shapes.items():
                    name = f"{kind}_l{layer}{suffix}"
                    setattr(self, name, Parameter(ag.empty(shape, dtype=dtype, device=device)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw every weight and bias again from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)),
        as PyTorch does.

        Examples:
            >>> import autograd as ag, nn
            >>> m = nn.LSTM(3, 4)
            >>> m.reset_parameters()
            >>> all(bool((p.abs() <= 0.5).all()) for p in m.parameters())
            True
        """
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """Per layer and direction, its parameters [w_ih, w_hh, b_ih, b_hh] (and w_hr).

        Examples:
            >>> import nn
            >>> gru = nn.GRU(3, 4, num_layers=2)
            >>> [[tuple(w.shape) for w in layer] for layer in gru.all_weights]
            [[(12, 3), (12, 4), (12,), (12,)], [(12, 4), (12, 4), (12,), (12,)]]
        """
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """A no-op, as in PyTorch off cuDNN: kept so that code written for GPUs runs.

        Examples:
            >>> import autograd as ag, nn
            >>> lstm = nn.LSTM(3, 4)
            >>> lstm.flatten_parameters()
            >>> lstm(ag.ones(5, 1, 3))[0].shape
            autograd.Size([5, 1, 4])
        """

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # --- forward ---------------------------------------------------------------------
    def _state_count(self) -> int:
        return 2 if self.mode == "LSTM" else 1

    def _state_sizes(self) -> tuple[int, ...]:
        """The widths of the state: h's (proj_size where set, else hidden_size), and c's."""
        h = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (h, self.hidden_size) if self.mode == "LSTM" else (h,)

    def forward(self, input: Any, hx: Any = None) -> tuple[Any, Any]:
        lstm = self.mode == "LSTM"
        name = {"LSTM": "LSTM", "GRU": "GRU"}.get(self.mode, "RNN")
        num_directions = 2 if self.bidirectional else 1
        if lstm and hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise TypeError("LSTM: hx must be a tuple (h_0, c_0) of two Tensors")
        states = None if hx is None else ((hx[0], hx[1]) if lstm else (hx,))

        # The time steps x_1, ..., x_L as a list of (N_t, H_in) tensors, and the batch size.
        packed = isinstance(input, PackedSequence)
        if packed:
            data, batch_sizes = input.data, [int(b) for b in input.batch_sizes.tolist()]
            sorted_indices, unsorted_indices = input.sorted_indices, input.unsorted_indices
            if states is not None and sorted_indices is not None:
                states = tuple(s.index_select(1, sorted_indices) for s in states)
            self._check_input(data, expected_dim=2)
            batch = batch_sizes[0]
            offsets = [0]
            for b in batch_sizes:
                offsets.append(offsets[-1] + b)
            steps = [data[offsets[t]:offsets[t + 1]] for t in range(len(batch_sizes))]
        else:
            if input.ndim not in (2, 3):
                tensor = " tensor" if name == "RNN" else ""
                raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.ndim}D"
                                 f"{tensor} instead")
            is_batched = input.ndim == 3
            batch_dim = 0 if self.batch_first else 1
            if states is not None:
                want = 3 if is_batched else 2
                if any(s.ndim != want for s in states):
                    kind = "batched 3-D" if is_batched else "unbatched 2-D"
                    if lstm:
                        raise RuntimeError(
                            f"For {kind} input, hx and cx should also be {want}-D but got "
                            f"({states[0].ndim}-D, {states[1].ndim}-D) tensors")
                    raise RuntimeError(f"For {kind} input, hx should also be {want}-D but got "
                                       f"{states[0].ndim}-D tensor")
                if not is_batched:
                    states = tuple(s.unsqueeze(1) for s in states)
            if not is_batched:
                input = input.unsqueeze(batch_dim)
            self._check_input(input, expected_dim=3)
            batch = input.shape[batch_dim]
            batch_sizes = None
            steps = list(input.unbind(1 if self.batch_first else 0))  # x_1, ..., x_L
        if states is not None:
            for k, s in enumerate(states):
                expected = (self.num_layers * num_directions, batch, self._state_sizes()[k])
                if tuple(s.shape) != expected:
                    which = f"hidden[{k}]" if lstm else "hidden"
                    raise RuntimeError(f"Expected {which} size {expected}, got {list(s.shape)}")

        # The cells over layers, directions and steps; then the outputs in the input's form.
        outputs, finals = self._run(steps, states, batch_sizes, batch, input_like=steps[0])

        # finals: per layer and direction, its final state tuple; h_n stacks them
        h_n = tuple(ag.stack([f[k] for f in finals]) for k in range(self._state_count()))
        if packed:
            out = PackedSequence(ag.cat(outputs, 0), input.batch_sizes, sorted_indices,
                                 unsorted_indices)
            if unsorted_indices is not None:
                h_n = tuple(h.index_select(1, unsorted_indices) for h in h_n)
        else:
            out = ag.stack(outputs, 1 if self.batch_first else 0)
            if not is_batched:
                out = out.squeeze(batch_dim)
                h_n = tuple(h.squeeze(1) for h in h_n)
        return out, (h_n if lstm else h_n[0])

    def _check_input(self, input: Tensor, expected_dim: int) -> None:
        weight = self.weight_ih_l0
        if input.dtype != weight.dtype:
            raise ValueError(
                f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight.dtype}). "
                f"Convert input: input.to({weight.dtype}), or convert model: "
                f"model.to({input.dtype})")
        if input.ndim != expected_dim:
            raise RuntimeError(f"input must have {expected_dim} dimensions, got {input.ndim}")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.shape[-1]}")

    def _run(self, steps: list[Tensor], states: tuple | None, batch_sizes: list[int] | None,
             batch: int, input_like: Tensor) -> tuple[list[Tensor], list[tuple]]:
        """The cell over every layer, direction and step. ``steps`` are the x_t (N_t, H_in);
        returns the last layer's outputs per step and each layer's and direction's final
        state (a tuple), in h_n's order."""
        step = _STEPS[self.mode]
        num_directions = 2 if self.bidirectional else 1
        finals = []
        for layer in range(self.num_layers):
            per_direction = []
            for direction in range(num_directions):
                k = layer * num_directions + direction
                weights = tuple(getattr(self, name, None) for name in (
                    f"{kind}_l{layer}{'_reverse' if direction else ''}"
                    for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")))
                w_ih, w_hh, b_ih, b_hh, w_hr = weights
                if b_ih is not None and self.mode != "GRU":
                    # The two biases only ever appear as their sum (a GRU's b_hn aside):
                    # added once here, not at every step.
                    weights = (w_ih, w_hh, b_ih + b_hh, None, w_hr)
                if states is None:
                    initial = tuple(ag.zeros((batch, size), dtype=input_like.dtype,
                                             device=input_like.device)
                                    for size in self._state_sizes())
                else:
                    initial = tuple(s[k] for s in states)
                outs, final = _run_direction(step, steps, initial, weights, batch_sizes,
                                             reverse=direction == 1)
                per_direction.append(outs)
                finals.append(final)
            if num_directions == 2:  # h_t of both directions side by side
                steps = [ag.cat([fw, bw], 1) for fw, bw in zip(*per_direction)]
            else:
                steps = per_direction[0]
            if self.dropout and self.training and layer < self.num_layers - 1:
                steps = [F.dropout(s, self.dropout, True) for s in steps]
        return steps, finals


def _run_direction(step: Callable, steps: list[Tensor], state: tuple, weights: tuple,
                   batch_sizes: list[int] | None, reverse: bool) -> tuple[list[Tensor], tuple]:
    """One direction of one layer: the cell from t = 1 to L (``reverse``: from L to 1).

    Returns h_t for each t and the final state. With ``batch_sizes`` (a packed
    sequence, its sequences sorted longest first) step t holds only the first
    batch_sizes[t] sequences: going forward, a sequence that has ended leaves the batch
    and its state is its final one; going backward, a sequence joins the batch at its
    last step with its initial state.
    """
    outs: list[Any] = [None] * len(steps)
    order = range(len(steps) - 1, -1, -1) if reverse else range(len(steps))
    if batch_sizes is None:
        for t in order:
            state = step(steps[t], state, weights)
            outs[t] = state[0]
        return outs, state
    if reverse:
        initial, rows = state, batch_sizes[-1]
        state = tuple(s[:rows] for s in initial)
        for t in order:
            n = batch_sizes[t]
            if n > rows:  # sequences whose last step is t join here
                state = tuple(ag.cat([s, s0[rows:n]], 0) for s, s0 in zip(state, initial))
                rows = n
            state = step(steps[t], state, weights)
            outs[t] = state[0]
        return outs, state
    ended: list[tuple] = []  # the final states of sequences that ended, latest ended first
    rows = batch_sizes[0]
    for t in order:
        n = batch_sizes[t]
        if n < rows:  # sequences rows n..rows-1 ended at step t - 1
            ended.append(tuple(s[n:rows] for s in state))
            state = tuple(s[:n] for s in state)
            rows = n
        state = step(steps[t], state, weights)
        outs[t] = state[0]
    if ended:
        pieces = [state, *reversed(ended)]
        state = tuple(ag.cat([p[k] for p in pieces], 0) for k in range(len(state)))
    return outs, state


class RNN(RNNBase):
    """A multi-layer Elman RNN: h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) (ReLU
    with ``nonlinearity='relu'``), each layer's h_t the next layer's x_t.

    ``RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True,
    batch_first=False, dropout=0.0, bidirectional=False)``; forward(input, h_0=None)
    returns (output, h_n), shapes as in :class:`RNNBase`.

    Examples:
        >>> import autograd as ag, nn
        >>> rnn = nn.RNN(input_size=4, hidden_size=8, num_layers=2, batch_first=True)
        >>> output, h_n = rnn(ag.randn(3, 5, 4))
        >>> output.shape, h_n.shape
        (autograd.Size([3, 5, 8]), autograd.Size([2, 3, 8]))
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:  # PyTorch's position of nonlinearity: after num_layers
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' "
                             "or 'relu'.")
        super().__init__(mode, *args, **kwargs)


class LSTM(RNNBase):
    """A multi-layer LSTM: :func:`lstm_cell` over time, each layer's h_t the next layer's x_t.

    ``LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
    dropout=0.0, bidirectional=False, proj_size=0)``; forward(input, (h_0, c_0)=None)
    returns (output, (h_n, c_n)), shapes as in :class:`RNNBase`, c_n like h_n.

    With ``proj_size`` = P > 0, each step's h is projected to P features, h_t = W_hr (o *
    tanh(c_t)) with ``weight_hr_l{k}`` (P, H): h_t, the output and h_n have P features,
    c_t keeps H, and W_hh is (4H, P).

    The usual sequence-to-one model (a time series, a sentence's class) reads the last
    step's output::

        lstm = nn.LSTM(8, 64, batch_first=True)
        fc = nn.Linear(64, 1)
        out, (h_n, c_n) = lstm(x)          # x: (N, L, 8), out: (N, L, 64)
        y = fc(out[:, -1, :])              # (N, 1); out[:, -1] equals h_n[-1] here

    Examples:
        >>> import autograd as ag, nn
        >>> lstm = nn.LSTM(input_size=4, hidden_size=8)
        >>> output, (h_n, c_n) = lstm(ag.randn(5, 3, 4))
        >>> output.shape, h_n.shape, c_n.shape
        (autograd.Size([5, 3, 8]), autograd.Size([1, 3, 8]), autograd.Size([1, 3, 8]))
        >>> list(lstm.state_dict())
        ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """A multi-layer GRU: :func:`gru_cell` over time, each layer's h_t the next layer's x_t.

    ``GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
    dropout=0.0, bidirectional=False)``; forward(input, h_0=None) returns (output, h_n),
    shapes as in :class:`RNNBase`.

    Examples:
        >>> import autograd as ag, nn
        >>> gru = nn.GRU(4, 8, bidirectional=True)
        >>> output, h_n = gru(ag.randn(5, 3, 4))
        >>> output.shape, h_n.shape
        (autograd.Size([5, 3, 16]), autograd.Size([2, 3, 8]))
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)
