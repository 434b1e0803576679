"""nn.RNN, nn.LSTM, nn.GRU, their cells and nn.utils.rnn, against PyTorch and finite differences.

What users rely on: PyTorch's parameter names, shapes, order and initialisation (a
state_dict moves between the two libraries), PyTorch's numbers forward and backward
(every parameter's gradient, the input's and the initial states'), in float32 and
float64, batched, unbatched, batch_first, stacked, bidirectional and packed; gradients
that match central differences; PyTorch's errors; dropout between layers only while
training; the same results on the GPU backend (the fake CuPy of tests/fake_cuda.py).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

import autograd as ag
import nn
from autograd.ops.recurrent import gate, lstm_output, lstm_state
from nn.utils.rnn import (
    PackedSequence,
    pack_padded_sequence,
    pack_sequence,
    pad_packed_sequence,
    pad_sequence,
    unpack_sequence,
    unpad_sequence,
)

LAYERS = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}
CELLS = {"RNNCell": nn.RNNCell, "LSTMCell": nn.LSTMCell, "GRUCell": nn.GRUCell}
TOL = {ag.float64: dict(rtol=1e-10, atol=1e-12), ag.float32: dict(rtol=2e-5, atol=2e-6)}


def _np(t: Any) -> np.ndarray:
    return t.detach().cpu().numpy()


def _rand(rng: np.random.Generator, *shape: int, dtype: Any = ag.float64,
          requires_grad: bool = True) -> ag.Tensor:
    return ag.tensor(rng.standard_normal(shape), dtype=dtype, requires_grad=requires_grad)


def _with_params(module: nn.Module, params: dict[str, ag.Tensor]) -> None:
    """Put ``params`` (any Tensors) in place of the module's parameters of those names, as
    torch.func.functional_call does: gradcheck's inputs then reach the module's forward."""
    for name, value in params.items():
        owner = module
        *path, leaf = name.split(".")
        for part in path:
            owner = getattr(owner, part)
        owner._parameters[leaf] = value
        object.__setattr__(owner, leaf, value)


# --- parameters: names, shapes, order, initialisation ------------------------------------

@pytest.mark.parametrize("mode", LAYERS)
@pytest.mark.parametrize("kw", [dict(), dict(num_layers=3, bidirectional=True),
                                dict(num_layers=2, bias=False)])
def test_layer_parameter_names_shapes_and_order(mode: str, kw: dict) -> None:
    gates = {"RNN": 1, "LSTM": 4, "GRU": 3}[mode]
    m = LAYERS[mode](5, 7, **kw)
    expected = []
    directions = 2 if kw.get("bidirectional") else 1
    for layer in range(kw.get("num_layers", 1)):
        for suffix in ("", "_reverse")[:directions]:
            width = 5 if layer == 0 else 7 * directions
            expected += [(f"weight_ih_l{layer}{suffix}", (gates * 7, width)),
                         (f"weight_hh_l{layer}{suffix}", (gates * 7, 7))]
            if kw.get("bias", True):
                expected += [(f"bias_ih_l{layer}{suffix}", (gates * 7,)),
                             (f"bias_hh_l{layer}{suffix}", (gates * 7,))]
    assert [(n, tuple(p.shape)) for n, p in m.named_parameters()] == expected
    assert list(m.state_dict()) == [n for n, _ in expected]
    per_direction = [[p for p in m.parameters()][i:i + (4 if kw.get("bias", True) else 2)]
                     for i in range(0, len(expected), 4 if kw.get("bias", True) else 2)]
    assert [[id(p) for p in w] for w in m.all_weights] == \
        [[id(p) for p in w] for w in per_direction]


@pytest.mark.parametrize("mode", LAYERS)
def test_state_dict_keys_and_shapes_equal_pytorchs(mode: str) -> None:
    torch = pytest.importorskip("torch")
    kw = dict(num_layers=2, bidirectional=True, batch_first=True)
    ours, theirs = LAYERS[mode](4, 6, **kw), getattr(torch.nn, mode)(4, 6, **kw)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    for cell in CELLS:
        a, b = CELLS[cell](4, 6), getattr(torch.nn, cell)(4, 6)
        assert [(k, tuple(v.shape)) for k, v in a.state_dict().items()] == \
            [(k, tuple(v.shape)) for k, v in b.state_dict().items()]


@pytest.mark.parametrize("cls", [*LAYERS.values(), *CELLS.values()],
                         ids=lambda c: c.__name__)
def test_init_is_uniform_within_one_over_sqrt_hidden(cls: type) -> None:
    ag.manual_seed(0)
    hidden = 100
    m = cls(50, hidden)
    bound = 1 / math.sqrt(hidden)
    values = np.concatenate([_np(p).ravel() for p in m.parameters()])
    assert np.abs(values).max() <= bound
    # U(-b, b): mean 0, standard deviation b / sqrt(3), every part of the range reached
    assert abs(values.mean()) < 0.02 * bound
    assert values.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)
    assert values.min() < -0.99 * bound and values.max() > 0.99 * bound
    for p in m.parameters():  # every tensor drawn, biases included
        assert np.abs(_np(p)).max() > 0.5 * bound
    before = [_np(p).copy() for p in m.parameters()]
    m.reset_parameters()
    assert all(not np.array_equal(a, _np(p)) for a, p in zip(before, m.parameters()))


def test_init_follows_the_seed_and_the_dtype() -> None:
    ag.manual_seed(3)
    a = nn.LSTM(3, 4, dtype=ag.float64)
    ag.manual_seed(3)
    b = nn.LSTM(3, 4, dtype=ag.float64)
    assert all(p.dtype == ag.float64 for p in a.parameters())
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(_np(p), _np(q))


def test_repr_is_pytorchs() -> None:
    assert repr(nn.LSTM(8, 4, 2, batch_first=True, dropout=0.5, bidirectional=True)) == \
        "LSTM(8, 4, num_layers=2, batch_first=True, dropout=0.5, bidirectional=True)"
    assert repr(nn.RNN(3, 4, nonlinearity="relu")) == "RNN(3, 4)"
    assert repr(nn.GRU(3, 4, bias=False)) == "GRU(3, 4, bias=False)"
    assert repr(nn.LSTMCell(3, 4)) == "LSTMCell(3, 4)"
    assert repr(nn.RNNCell(3, 4, bias=False, nonlinearity="relu")) == \
        "RNNCell(3, 4, bias=False, nonlinearity=relu)"
    assert nn.RNN(3, 4, 2, "relu").nonlinearity == "relu"  # PyTorch's 4th positional argument


# --- against PyTorch -----------------------------------------------------------------------

def _twin(ours: nn.Module, theirs: Any, torch: Any, dtype: Any) -> Any:
    tdtype = torch.float64 if dtype == ag.float64 else torch.float32
    theirs = theirs.to(tdtype)
    theirs.load_state_dict({k: torch.tensor(_np(v)) for k, v in ours.state_dict().items()})
    return theirs


def _check_grads(ours: nn.Module, theirs: Any, pairs: list, tol: dict) -> None:
    for name, p in ours.named_parameters():
        q = dict(theirs.named_parameters())[name]
        np.testing.assert_allclose(_np(p.grad), q.grad.numpy(), err_msg=name, **tol)
    for a, b in pairs:
        np.testing.assert_allclose(_np(a.grad), b.grad.numpy(), **tol)


LAYER_CONFIGS = [
    dict(),
    dict(num_layers=2),
    dict(bidirectional=True),
    dict(batch_first=True),
    dict(num_layers=2, bidirectional=True, batch_first=True, state=True),
    dict(num_layers=2, bias=False, state=True),
    dict(unbatched=True, state=True),
    dict(unbatched=True, bidirectional=True, batch_first=True),
]


@pytest.mark.parametrize("dtype", [ag.float64, ag.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("config", LAYER_CONFIGS, ids=lambda c: "-".join(c) or "default")
@pytest.mark.parametrize("mode", [*LAYERS, "RNN_RELU"])
def test_layer_matches_pytorch_forward_and_backward(mode: str, config: dict, dtype: Any) -> None:
    torch = pytest.importorskip("torch")
    config = dict(config)
    with_state, unbatched = config.pop("state", False), config.pop("unbatched", False)
    extra = {"nonlinearity": "relu"} if mode == "RNN_RELU" else {}
    name = "RNN" if mode == "RNN_RELU" else mode
    ag.manual_seed(1)
    ours = LAYERS[name](3, 5, dtype=dtype, **config, **extra)
    theirs = _twin(ours, getattr(torch.nn, name)(3, 5, **config, **extra), torch, dtype)
    rng = np.random.default_rng(2)
    steps, batch = 6, 4
    directions = 2 if config.get("bidirectional") else 1
    shape = (steps, 3) if unbatched else \
        ((batch, steps, 3) if config.get("batch_first") else (steps, batch, 3))
    x = _rand(rng, *shape, dtype=dtype)
    x_t = torch.tensor(_np(x), requires_grad=True)
    state_shape = (config.get("num_layers", 1) * directions,) + (() if unbatched else (batch,)) \
        + (5,)
    pairs = [(x, x_t)]
    hx = hx_t = None
    if with_state:
        states = [_rand(rng, *state_shape, dtype=dtype) for _ in range(2 if name == "LSTM"
                                                                       else 1)]
        states_t = [torch.tensor(_np(s), requires_grad=True) for s in states]
        pairs += list(zip(states, states_t))
        hx, hx_t = (tuple(states), tuple(states_t)) if name == "LSTM" else (states[0],
                                                                              states_t[0])
    out, h = ours(x, hx)
    out_t, h_t = theirs(x_t, hx_t)
    hs, hs_t = (list(h), list(h_t)) if name == "LSTM" else ([h], [h_t])
    tol = TOL[dtype]
    assert tuple(out.shape) == tuple(out_t.shape) and out.dtype == dtype
    np.testing.assert_allclose(_np(out), out_t.detach().numpy(), **tol)
    for a, b in zip(hs, hs_t, strict=True):
        assert tuple(a.shape) == tuple(b.shape) == state_shape
        np.testing.assert_allclose(_np(a), b.detach().numpy(), **tol)
    # a loss that reaches every output: each element weighted differently
    weights = [rng.standard_normal(tuple(t.shape)) for t in [out, *hs]]
    loss = sum((t * ag.tensor(w, dtype=dtype)).sum() for t, w in zip([out, *hs], weights))
    loss_t = sum((t * torch.tensor(w, dtype=t.dtype)).sum() for t, w in zip([out_t, *hs_t],
                                                                             weights))
    loss.backward()
    loss_t.backward()
    _check_grads(ours, theirs, pairs, tol)


@pytest.mark.parametrize("dtype", [ag.float64, ag.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("batched", [True, False], ids=["batched", "unbatched"])
@pytest.mark.parametrize("with_state", [True, False], ids=["state", "zeros"])
@pytest.mark.parametrize("mode", [*CELLS, "RNNCell_relu", "LSTMCell_nobias"])
def test_cell_matches_pytorch(mode: str, with_state: bool, batched: bool, dtype: Any) -> None:
    torch = pytest.importorskip("torch")
    name, _, variant = mode.partition("_")
    kw = {"relu": {"nonlinearity": "relu"}, "nobias": {"bias": False}}.get(variant, {})
    ag.manual_seed(4)
    ours = CELLS[name](3, 5, dtype=dtype, **kw)
    theirs = _twin(ours, getattr(torch.nn, name)(3, 5, **kw), torch, dtype)
    rng = np.random.default_rng(5)
    lead = (4,) if batched else ()
    x = _rand(rng, *lead, 3, dtype=dtype)
    x_t = torch.tensor(_np(x), requires_grad=True)
    pairs = [(x, x_t)]
    hx = hx_t = None
    if with_state:
        states = [_rand(rng, *lead, 5, dtype=dtype) for _ in range(2 if name == "LSTMCell"
                                                                   else 1)]
        states_t = [torch.tensor(_np(s), requires_grad=True) for s in states]
        pairs += list(zip(states, states_t))
        hx, hx_t = (tuple(states), tuple(states_t)) if name == "LSTMCell" else (states[0],
                                                                                  states_t[0])
    out, out_t = ours(x, hx), theirs(x_t, hx_t)
    outs, outs_t = (list(out), list(out_t)) if name == "LSTMCell" else ([out], [out_t])
    tol = TOL[dtype]
    loss, loss_t = 0, 0
    for k, (a, b) in enumerate(zip(outs, outs_t, strict=True)):
        assert tuple(a.shape) == tuple(b.shape) == lead + (5,)
        np.testing.assert_allclose(_np(a), b.detach().numpy(), **tol)
        loss = loss + (a * (k + 1.5)).sin().sum()
        loss_t = loss_t + (b * (k + 1.5)).sin().sum()
    loss.backward()
    loss_t.backward()
    _check_grads(ours, theirs, pairs, tol)


def test_state_dict_from_pytorch_loads_and_gives_its_numbers() -> None:
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True).double()
    ours = nn.LSTM(3, 4, num_layers=2, bidirectional=True, dtype=ag.float64)
    ours.load_state_dict({k: ag.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((5, 2, 3))
    np.testing.assert_allclose(_np(ours(ag.tensor(x))[0]),
                               theirs(torch.tensor(x))[0].detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("dtype", [ag.float64, ag.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("config", [dict(), dict(num_layers=2, bidirectional=True,
                                                 batch_first=True, state=True),
                                    dict(unbatched=True, state=True),
                                    dict(packed=True, bidirectional=True, state=True)],
                         ids=lambda c: "-".join(c) or "default")
@pytest.mark.filterwarnings("ignore:LSTM with projections is not supported with oneDNN")
def test_lstm_with_projections_matches_pytorch(config: dict, dtype: Any) -> None:
    """proj_size = 3 < hidden_size = 5: h (and the output, h_n) has 3 features, c has 5."""
    torch = pytest.importorskip("torch")
    config = dict(config)
    with_state, unbatched = config.pop("state", False), config.pop("unbatched", False)
    packed = config.pop("packed", False)
    ag.manual_seed(31)
    ours = nn.LSTM(4, 5, proj_size=3, dtype=dtype, **config)
    theirs = _twin(ours, torch.nn.LSTM(4, 5, proj_size=3, **config), torch, dtype)
    layers = config.get("num_layers", 1) * (2 if config.get("bidirectional") else 1)
    w_hh = [p for n, p in ours.named_parameters() if n.startswith("weight_hh")]
    assert [tuple(p.shape) for n, p in ours.named_parameters() if "hr" in n] == \
        [(3, 5)] * layers and all(tuple(p.shape) == (20, 3) for p in w_hh)
    rng = np.random.default_rng(32)
    lead = () if unbatched else (2,)
    if packed:
        seqs = [_rand(rng, n, 4, dtype=dtype) for n in (3, 5)]
        x = pack_sequence(seqs, enforce_sorted=False)
        seqs_t = [torch.tensor(_np(s), requires_grad=True) for s in seqs]
        x_t = torch.nn.utils.rnn.pack_sequence(seqs_t, enforce_sorted=False)
        pairs = list(zip(seqs, seqs_t))
    else:
        x = _rand(rng, *((2, 6, 4) if config.get("batch_first") else ((6, 4) if unbatched
                                                                       else (6, 2, 4))),
                  dtype=dtype)
        x_t = torch.tensor(_np(x), requires_grad=True)
        pairs = [(x, x_t)]
    hx = hx_t = None
    if with_state:
        states = [_rand(rng, layers, *lead, width, dtype=dtype) for width in (3, 5)]
        states_t = [torch.tensor(_np(s), requires_grad=True) for s in states]
        pairs += list(zip(states, states_t))
        hx, hx_t = tuple(states), tuple(states_t)
    out, (h, c) = ours(x, hx)
    out_t, (h_t, c_t) = theirs(x_t, hx_t)
    if packed:
        out, out_t = pad_packed_sequence(out)[0], torch.nn.utils.rnn.pad_packed_sequence(out_t)[0]
    tol = TOL[dtype]
    for a, b in ((out, out_t), (h, h_t), (c, c_t)):
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(_np(a), b.detach().numpy(), **tol)
    directions = 2 if config.get("bidirectional") else 1
    assert h.shape[-1] == 3 and c.shape[-1] == 5 and out.shape[-1] == 3 * directions
    weights = [rng.standard_normal(tuple(t.shape)) for t in (out, h, c)]
    loss = sum((t * ag.tensor(w, dtype=dtype)).sum() for t, w in zip((out, h, c), weights))
    loss_t = sum((t * torch.tensor(w, dtype=t.dtype)).sum()
                 for t, w in zip((out_t, h_t, c_t), weights))
    loss.backward()
    loss_t.backward()
    _check_grads(ours, theirs, pairs, tol)


def test_lstm_with_projections_errors_and_repr() -> None:
    m = nn.LSTM(4, 5, proj_size=3, num_layers=2)
    assert repr(m) == "LSTM(4, 5, proj_size=3, num_layers=2)"
    with pytest.raises(RuntimeError, match=r"Expected hidden\[0\] size \(2, 1, 3\), got "
                                           r"\[2, 1, 5\]"):
        m(ag.zeros(2, 1, 4), (ag.zeros(2, 1, 5), ag.zeros(2, 1, 5)))
    with pytest.raises(RuntimeError, match=r"Expected hidden\[1\] size \(2, 1, 5\), got "
                                           r"\[2, 1, 3\]"):
        m(ag.zeros(2, 1, 4), (ag.zeros(2, 1, 3), ag.zeros(2, 1, 3)))


# --- finite differences ---------------------------------------------------------------------

def _layer_fn(m: nn.Module, names: list[str], lstm: bool, with_state: bool):
    def fn(x: ag.Tensor, *rest: ag.Tensor) -> tuple:
        states, params = (rest[:2] if lstm else rest[:1]) if with_state else (), \
            rest[(2 if lstm else 1) if with_state else 0:]
        _with_params(m, dict(zip(names, params)))
        hx = None if not with_state else (tuple(states) if lstm else states[0])
        out, h = m(x, hx)
        return (out, *h) if lstm else (out, h)
    return fn


@pytest.mark.parametrize("config", [
    dict(),
    dict(num_layers=2, bidirectional=True, state=True),
    dict(batch_first=True, state=True),
    dict(num_layers=2, batch_first=True, bidirectional=True),
], ids=lambda c: "-".join(c) or "default")
@pytest.mark.parametrize("mode", [*LAYERS, "RNN_RELU"])
def test_layer_gradcheck(mode: str, config: dict) -> None:
    config = dict(config)
    with_state = config.pop("state", False)
    name = "RNN" if mode == "RNN_RELU" else mode
    extra = {"nonlinearity": "relu"} if mode == "RNN_RELU" else {}
    ag.manual_seed(7)
    m = LAYERS[name](2, 3, dtype=ag.float64, **config, **extra)
    names = [n for n, _ in m.named_parameters()]
    rng = np.random.default_rng(8)
    x = _rand(rng, *((2, 3, 2) if config.get("batch_first") else (3, 2, 2)))
    layers = config.get("num_layers", 1) * (2 if config.get("bidirectional") else 1)
    states = [_rand(rng, layers, 2, 3) for _ in range(2 if name == "LSTM" else 1)] \
        if with_state else []
    params = [ag.tensor(_np(p), requires_grad=True) for p in m.parameters()]
    fn = _layer_fn(m, names, name == "LSTM", with_state)
    assert ag.gradcheck(fn, [x, *states, *params])


def test_lstm_with_projections_gradcheck() -> None:
    ag.manual_seed(33)
    m = nn.LSTM(2, 3, proj_size=2, num_layers=2, bidirectional=True, dtype=ag.float64)
    names = [n for n, _ in m.named_parameters()]
    rng = np.random.default_rng(34)
    x, h, c = _rand(rng, 3, 2, 2), _rand(rng, 4, 2, 2), _rand(rng, 4, 2, 3)
    params = [ag.tensor(_np(p), requires_grad=True) for p in m.parameters()]
    assert ag.gradcheck(_layer_fn(m, names, True, True), [x, h, c, *params])


@pytest.mark.parametrize("name", [*CELLS, "RNNCell_relu"])
def test_cell_gradcheck(name: str) -> None:
    name, _, variant = name.partition("_")
    kw = {"nonlinearity": "relu"} if variant else {}
    ag.manual_seed(9)
    m = CELLS[name](3, 4, dtype=ag.float64, **kw)
    names = [n for n, _ in m.named_parameters()]
    rng = np.random.default_rng(10)
    lstm = name == "LSTMCell"
    x, h = _rand(rng, 2, 3), _rand(rng, 2, 4)
    c = _rand(rng, 2, 4)
    params = [ag.tensor(_np(p), requires_grad=True) for p in m.parameters()]

    def fn(x: ag.Tensor, h: ag.Tensor, c: ag.Tensor, *params: ag.Tensor) -> Any:
        _with_params(m, dict(zip(names, params)))
        return m(x, (h, c)) if lstm else m(x, h)

    assert ag.gradcheck(fn, [x, h, c if lstm else c.detach(), *params])


@pytest.mark.parametrize("k,chunks,fn", [(0, 4, "sigmoid"), (2, 4, "tanh"), (3, 4, "sigmoid"),
                                         (1, 3, "sigmoid"), (0, 1, "tanh")])
def test_gate_values_gradcheck_and_second_derivatives(k: int, chunks: int, fn: str) -> None:
    rng = np.random.default_rng(11)
    a = _rand(rng, 3, 2 * chunks)
    y = gate(a, k, chunks, fn)
    block = _np(a)[:, 2 * k:2 * k + 2]
    expected = np.tanh(block) if fn == "tanh" else 1 / (1 + np.exp(-block))
    np.testing.assert_allclose(_np(y), expected, rtol=1e-14)
    assert ag.gradcheck(lambda a: gate(a, k, chunks, fn), [a])
    assert ag.gradgradcheck(lambda a: gate(a, k, chunks, fn), [a])


def test_lstm_state_and_output_values_gradcheck_and_second_derivatives() -> None:
    """The two fused LSTM nodes compute the cell's equations c' = f c + i g and
    h' = o tanh(c'), with first and second derivatives equal to finite differences."""
    rng = np.random.default_rng(14)
    a, c = _rand(rng, 3, 8), _rand(rng, 3, 2)
    blocks = [_np(a)[:, 2 * k:2 * k + 2] for k in range(4)]
    i, f, o = (1 / (1 + np.exp(-blocks[k])) for k in (0, 1, 3))
    g = np.tanh(blocks[2])
    cy = lstm_state(a, c)
    np.testing.assert_allclose(_np(cy), f * _np(c) + i * g, rtol=1e-14)
    np.testing.assert_allclose(_np(lstm_output(a, cy)), o * np.tanh(_np(cy)), rtol=1e-14)
    for fn in (lstm_state, lstm_output):
        assert ag.gradcheck(fn, [a, c])
        assert ag.gradgradcheck(fn, [a, c])


def test_lstm_state_refuses_gates_that_do_not_fit_the_cell_state() -> None:
    a, c = ag.zeros(3, 8), ag.zeros(3, 3)
    with pytest.raises(RuntimeError, match=r"gates of shape \(3, 8\).*got \(3, 3\)"):
        lstm_state(a, c)
    with pytest.raises(RuntimeError, match="cell state"):
        lstm_output(ag.zeros(2, 8), ag.zeros(3, 2))


def test_lstm_second_derivatives() -> None:
    """create_graph through a whole LSTM (the gates, the products, tanh): Hessian-vector
    products, as a meta-learning or gradient-penalty user needs them."""
    ag.manual_seed(12)
    m = nn.LSTM(2, 3, dtype=ag.float64)
    x = _rand(np.random.default_rng(13), 4, 1, 2)
    assert ag.gradgradcheck(lambda x: m(x)[0], [x])


# --- errors, as PyTorch raises them ---------------------------------------------------------

def test_wrong_input_size_raises_pytorchs_error() -> None:
    lstm = nn.LSTM(8, 4)
    with pytest.raises(RuntimeError, match=r"^input.size\(-1\) must be equal to input_size. "
                                           r"Expected 8, got 5$"):
        lstm(ag.zeros(3, 2, 5))
    with pytest.raises(RuntimeError, match=r"input.size\(-1\) must be equal to input_size. "
                                           r"Expected 8, got 5"):
        nn.GRU(8, 4, batch_first=True)(ag.zeros(2, 5))  # unbatched
    with pytest.raises(RuntimeError, match="input has inconsistent input_size: got 5 expected 8"):
        nn.LSTMCell(8, 4)(ag.zeros(3, 5))


def test_other_errors_are_pytorchs() -> None:
    with pytest.raises(ValueError, match="LSTM: Expected input to be 2D or 3D, got 4D instead"):
        nn.LSTM(2, 3)(ag.zeros(1, 2, 3, 2))
    with pytest.raises(ValueError, match="RNN: Expected input to be 2D or 3D, got 1D tensor"):
        nn.RNN(2, 3)(ag.zeros(2))
    with pytest.raises(RuntimeError, match=r"Expected hidden\[0\] size \(1, 2, 3\), got "
                                           r"\[1, 4, 3\]"):
        nn.LSTM(2, 3)(ag.zeros(5, 2, 2), (ag.zeros(1, 4, 3), ag.zeros(1, 2, 3)))
    with pytest.raises(RuntimeError, match=r"Expected hidden\[1\] size \(1, 2, 3\), got "
                                           r"\[1, 2, 4\]"):
        nn.LSTM(2, 3)(ag.zeros(5, 2, 2), (ag.zeros(1, 2, 3), ag.zeros(1, 2, 4)))
    with pytest.raises(RuntimeError, match=r"Expected hidden size \(2, 2, 3\), got \[1, 2, 3\]"):
        nn.GRU(2, 3, num_layers=2)(ag.zeros(5, 2, 2), ag.zeros(1, 2, 3))
    with pytest.raises(TypeError, match=r"LSTM: hx must be a tuple \(h_0, c_0\)"):
        nn.LSTM(2, 3)(ag.zeros(5, 2, 2), ag.zeros(1, 2, 3))
    with pytest.raises(RuntimeError, match="For batched 3-D input, hx should also be 3-D but "
                                           "got 2-D tensor"):
        nn.RNN(2, 3)(ag.zeros(5, 2, 2), ag.zeros(2, 3))
    with pytest.raises(RuntimeError, match=r"For unbatched 2-D input, hx and cx should also be "
                                           r"2-D but got \(3-D, 3-D\) tensors"):
        nn.LSTM(2, 3)(ag.zeros(5, 2), (ag.zeros(1, 1, 3), ag.zeros(1, 1, 3)))
    with pytest.raises(ValueError, match=r"RNN input dtype \(autograd.float64\) does not match "
                                         r"weight dtype \(autograd.float32\)"):
        nn.LSTM(2, 3)(ag.zeros(5, 1, 2, dtype=ag.float64))
    with pytest.raises(ValueError, match="LSTMCell: Expected input to be 1D or 2D, got 3D"):
        nn.LSTMCell(2, 3)(ag.zeros(1, 1, 2))
    with pytest.raises(ValueError, match="GRUCell: Expected hidden to be 1D or 2D, got 3D"):
        nn.GRUCell(2, 3)(ag.zeros(1, 2), ag.zeros(1, 1, 3))
    with pytest.raises(RuntimeError, match="Input batch size 3 doesn't match hidden0 batch "
                                           "size 2"):
        nn.RNNCell(2, 3)(ag.zeros(3, 2), ag.zeros(2, 3))
    with pytest.raises(RuntimeError, match="hidden1 has inconsistent hidden_size: got 4, "
                                           "expected 3"):
        nn.LSTMCell(2, 3)(ag.zeros(1, 2), (ag.zeros(1, 3), ag.zeros(1, 4)))


def test_constructor_errors_are_pytorchs() -> None:
    with pytest.raises(ValueError, match="proj_size argument is only supported for LSTM"):
        nn.GRU(4, 8, proj_size=2)
    with pytest.raises(ValueError, match="proj_size has to be smaller than hidden_size"):
        nn.LSTM(4, 8, proj_size=8)
    with pytest.raises(ValueError, match="Unknown nonlinearity 'sigmoid'. Select from 'tanh' "
                                         "or 'relu'."):
        nn.RNN(4, 8, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="dropout should be a number in range"):
        nn.LSTM(4, 8, dropout=1.5)
    with pytest.raises(ValueError, match="hidden_size must be greater than zero"):
        nn.GRU(4, 0)
    with pytest.raises(ValueError, match="num_layers must be greater than zero"):
        nn.GRU(4, 2, num_layers=0)
    with pytest.raises(TypeError, match="input_size should be of type int, got: float"):
        nn.RNN(4.0, 2)
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1, "
                                         "but got dropout=0.5 and num_layers=1"):
        nn.LSTM(4, 8, dropout=0.5)
    with pytest.raises(RuntimeError, match="Unknown nonlinearity: gelu"):
        cell = nn.RNNCell(2, 3)
        cell.nonlinearity = "gelu"
        cell(ag.zeros(1, 2))
    with pytest.raises(ValueError, match="gate: nonlinearity must be 'sigmoid' or 'tanh'"):
        gate(ag.zeros(2, 4), 0, 4, "relu")
    with pytest.raises(RuntimeError, match=r"cannot take block 0 of 4 equal blocks .* \(2, 6\)"):
        gate(ag.zeros(2, 6), 0, 4)


# --- dropout between layers ------------------------------------------------------------------

def test_dropout_acts_between_layers_only_while_training() -> None:
    ag.manual_seed(14)
    m = nn.LSTM(3, 4, num_layers=2, dropout=1.0, dtype=ag.float64)  # p = 1: nothing passes
    x = ag.tensor(np.random.default_rng(15).standard_normal((5, 2, 3)))
    # training: the second layer sees zeros, so it gives what it gives for a zero input
    out, (h_n, c_n) = m(x)
    second = nn.LSTM(4, 4, dtype=ag.float64)
    second.load_state_dict({k.replace("_l1", "_l0"): v for k, v in m.state_dict().items()
                            if k.endswith("_l1")})
    out2, (h2, c2) = second(ag.zeros(5, 2, 4, dtype=ag.float64))
    np.testing.assert_allclose(_np(out), _np(out2), rtol=1e-12)
    np.testing.assert_allclose(_np(h_n[1]), _np(h2[0]), rtol=1e-12)
    # the first layer's state and the output of the last layer are not dropped
    first = nn.LSTM(3, 4, dtype=ag.float64)
    first.load_state_dict({k: v for k, v in m.state_dict().items() if k.endswith("_l0")})
    np.testing.assert_allclose(_np(h_n[0]), _np(first(x)[1][0][0]), rtol=1e-12)
    assert np.abs(_np(out)).min() > 0
    # evaluation: no dropout at all, the two layers chained
    m.eval()
    out_eval = m(x)[0]
    second.eval()
    np.testing.assert_allclose(_np(out_eval), _np(second(first(x)[0])[0]), rtol=1e-12)


def test_dropout_is_inverted_random_and_seeded() -> None:
    m = nn.GRU(3, 50, num_layers=2, dropout=0.5, dtype=ag.float64)
    x = ag.tensor(np.random.default_rng(16).standard_normal((4, 3, 3)))
    ag.manual_seed(1)
    a = _np(m(x)[0])
    ag.manual_seed(1)
    b = _np(m(x)[0])
    ag.manual_seed(2)
    c = _np(m(x)[0])
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        single = nn.RNN(3, 4, dropout=0.0)
    single.train()
    assert single(ag.zeros(2, 1, 3))[0].shape == (2, 1, 4)


# --- nn.utils.rnn ----------------------------------------------------------------------------

def _sequences(rng: np.random.Generator, lengths: list[int], width: int = 3) -> list:
    return [_rand(rng, n, width) for n in lengths]


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
def test_pad_sequence_matches_pytorch(batch_first: bool, padding_side: str) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(17)
    seqs = _sequences(rng, [2, 4, 1])
    ours = pad_sequence(seqs, batch_first, -1.5, padding_side)
    theirs = torch.nn.utils.rnn.pad_sequence([torch.tensor(_np(s)) for s in seqs], batch_first,
                                             -1.5, padding_side)
    np.testing.assert_array_equal(_np(ours), theirs.numpy())
    weights = ag.tensor(rng.standard_normal(tuple(ours.shape)))
    (ours * weights).sum().backward()
    for k, s in enumerate(seqs):  # each value gets the weight of the place it was put
        b = (slice(None), k) if not batch_first else (k, slice(None))
        w = _np(weights)[b]
        w = w[:s.shape[0]] if padding_side == "right" else w[w.shape[0] - s.shape[0]:]
        np.testing.assert_array_equal(_np(s.grad), w)


def test_pad_sequence_errors() -> None:
    with pytest.raises(RuntimeError, match="Expected padding_side to be one of left or right, "
                                           "but got up."):
        pad_sequence([ag.zeros(2)], padding_side="up")
    with pytest.raises(RuntimeError, match="received an empty list of sequences"):
        pad_sequence([])
    with pytest.raises(RuntimeError, match=r"sequence 0 has \(2, 3\), sequence 1 \(2, 4\)"):
        pad_sequence([ag.zeros(2, 3), ag.zeros(2, 4)])


@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("batch_first", [False, True])
def test_pack_and_pad_packed_match_pytorch(enforce_sorted: bool, batch_first: bool) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(18)
    lengths = [5, 3, 3, 1] if enforce_sorted else [3, 5, 1, 3]
    seqs = _sequences(rng, lengths)
    padded = pad_sequence(seqs, batch_first)
    packed = pack_padded_sequence(padded, lengths, batch_first, enforce_sorted)
    theirs = torch.nn.utils.rnn.pack_padded_sequence(torch.tensor(_np(padded)), lengths,
                                                     batch_first, enforce_sorted)
    np.testing.assert_array_equal(_np(packed.data), theirs.data.numpy())
    np.testing.assert_array_equal(_np(packed.batch_sizes), theirs.batch_sizes.numpy())
    for a, b in ((packed.sorted_indices, theirs.sorted_indices),
                 (packed.unsorted_indices, theirs.unsorted_indices)):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_array_equal(_np(a), b.numpy())
    back, back_lengths = pad_packed_sequence(packed, batch_first, padding_value=7.0,
                                             total_length=6)
    theirs_back, theirs_lengths = torch.nn.utils.rnn.pad_packed_sequence(
        theirs, batch_first, padding_value=7.0, total_length=6)
    np.testing.assert_array_equal(_np(back), theirs_back.numpy())
    np.testing.assert_array_equal(_np(back_lengths), theirs_lengths.numpy())
    # differentiable end to end: each value's gradient is the weight of its padded place
    weights = ag.tensor(rng.standard_normal(tuple(back.shape)))
    (back * weights).sum().backward()
    for k, s in enumerate(seqs):
        w = _np(weights)[k] if batch_first else _np(weights)[:, k]
        np.testing.assert_allclose(_np(s.grad), w[:lengths[k]], rtol=1e-15)
    for s, t in zip(unpack_sequence(packed), seqs):
        np.testing.assert_array_equal(_np(s), _np(t))
    for s, t in zip(unpad_sequence(padded, lengths, batch_first), seqs):
        np.testing.assert_array_equal(_np(s), _np(t))


def test_pack_errors() -> None:
    padded = ag.zeros(3, 2, 1)
    with pytest.raises(RuntimeError, match="`lengths` array must be sorted in decreasing order"):
        pack_padded_sequence(padded, [1, 3])
    with pytest.raises(RuntimeError, match="Length of all samples has to be greater than 0"):
        pack_padded_sequence(padded, [3, 0], enforce_sorted=False)
    with pytest.raises(RuntimeError, match=r"Expected `len\(lengths\)` to be equal to "
                                           r"batch_size, but got 3 \(batch_size=2\)"):
        pack_padded_sequence(padded, [3, 2, 1])
    with pytest.raises(RuntimeError, match="a length of 4 exceeds the 3 time steps"):
        pack_padded_sequence(padded, [4, 1])
    packed = pack_padded_sequence(padded, [3, 1])
    with pytest.raises(ValueError, match="Expected total_length to be at least the length of "
                                         "the longest sequence in input, but got "
                                         "total_length=2 and max sequence length being 3"):
        pad_packed_sequence(packed, total_length=2)


@pytest.mark.parametrize("dtype", [ag.float64, ag.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("config", [dict(), dict(num_layers=2, bidirectional=True),
                                    dict(batch_first=True, state=True, unsorted=True),
                                    dict(bidirectional=True, state=True, unsorted=True)],
                         ids=lambda c: "-".join(c) or "default")
@pytest.mark.parametrize("mode", LAYERS)
def test_packed_sequence_through_layers_matches_pytorch(mode: str, config: dict,
                                                        dtype: Any) -> None:
    torch = pytest.importorskip("torch")
    config = dict(config)
    with_state, unsorted = config.pop("state", False), config.pop("unsorted", False)
    ag.manual_seed(19)
    ours = LAYERS[mode](3, 4, dtype=dtype, **config)
    theirs = _twin(ours, getattr(torch.nn, mode)(3, 4, **config), torch, dtype)
    rng = np.random.default_rng(20)
    lengths = [2, 5, 1, 3] if unsorted else [5, 3, 2, 1]
    seqs = _sequences(rng, lengths)
    seqs = [ag.tensor(_np(s), dtype=dtype, requires_grad=True) for s in seqs]
    seqs_t = [torch.tensor(_np(s), requires_grad=True) for s in seqs]
    packed = pack_sequence(seqs, enforce_sorted=not unsorted)
    packed_t = torch.nn.utils.rnn.pack_sequence(seqs_t, enforce_sorted=not unsorted)
    pairs = list(zip(seqs, seqs_t))
    hx = hx_t = None
    if with_state:
        layers = config.get("num_layers", 1) * (2 if config.get("bidirectional") else 1)
        states = [_rand(rng, layers, 4, 4, dtype=dtype) for _ in range(2 if mode == "LSTM"
                                                                        else 1)]
        states_t = [torch.tensor(_np(s), requires_grad=True) for s in states]
        pairs += list(zip(states, states_t))
        hx, hx_t = (tuple(states), tuple(states_t)) if mode == "LSTM" else (states[0],
                                                                             states_t[0])
    out, h = ours(packed, hx)
    out_t, h_t = theirs(packed_t, hx_t)
    assert isinstance(out, PackedSequence)
    tol = TOL[dtype]
    np.testing.assert_allclose(_np(out.data), out_t.data.detach().numpy(), **tol)
    np.testing.assert_array_equal(_np(out.batch_sizes), out_t.batch_sizes.numpy())
    hs, hs_t = (list(h), list(h_t)) if mode == "LSTM" else ([h], [h_t])
    for a, b in zip(hs, hs_t, strict=True):
        np.testing.assert_allclose(_np(a), b.detach().numpy(), **tol)
    padded, _ = pad_packed_sequence(out)
    padded_t, _ = torch.nn.utils.rnn.pad_packed_sequence(out_t)
    weights = [rng.standard_normal(tuple(t.shape)) for t in [padded, *hs]]
    loss = sum((t * ag.tensor(w, dtype=dtype)).sum() for t, w in zip([padded, *hs], weights))
    loss_t = sum((t * torch.tensor(w, dtype=t.dtype)).sum()
                 for t, w in zip([padded_t, *hs_t], weights))
    loss.backward()
    loss_t.backward()
    _check_grads(ours, theirs, pairs, tol)


def test_packed_sequence_runs_each_sequence_for_its_own_length() -> None:
    """Without PyTorch: a packed batch gives each sequence what running it alone gives."""
    ag.manual_seed(21)
    m = nn.LSTM(3, 4, bidirectional=True, dtype=ag.float64)
    seqs = _sequences(np.random.default_rng(22), [2, 4, 3])
    out, (h_n, c_n) = m(pack_sequence(seqs, enforce_sorted=False))
    padded, lengths = pad_packed_sequence(out, batch_first=True)
    assert _np(lengths).tolist() == [2, 4, 3]
    for k, s in enumerate(seqs):
        alone, (h, c) = m(s)  # unbatched: (L, H_in)
        np.testing.assert_allclose(_np(padded[k, :s.shape[0]]), _np(alone), rtol=1e-12)
        assert np.all(_np(padded[k, s.shape[0]:]) == 0)
        np.testing.assert_allclose(_np(h_n[:, k]), _np(h), rtol=1e-12)
        np.testing.assert_allclose(_np(c_n[:, k]), _np(c), rtol=1e-12)


# --- without PyTorch: the equations themselves ----------------------------------------------

def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def test_cells_compute_their_documented_equations() -> None:
    rng = np.random.default_rng(23)
    x, h, c = rng.standard_normal((2, 3)), rng.standard_normal((2, 4)), \
        rng.standard_normal((2, 4))
    for name, m in (("LSTM", nn.LSTMCell(3, 4, dtype=ag.float64)),
                    ("GRU", nn.GRUCell(3, 4, dtype=ag.float64)),
                    ("RNN", nn.RNNCell(3, 4, dtype=ag.float64))):
        w_ih, w_hh, b_ih, b_hh = (_np(p) for p in m.parameters())
        gi, gh = x @ w_ih.T + b_ih, h @ w_hh.T + b_hh
        if name == "LSTM":
            i, f, g, o = np.split(gi + gh, 4, axis=1)
            c2 = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
            h2 = _sigmoid(o) * np.tanh(c2)
            hy, cy = m(ag.tensor(x), (ag.tensor(h), ag.tensor(c)))
            np.testing.assert_allclose(_np(cy), c2, rtol=1e-12)
            np.testing.assert_allclose(_np(hy), h2, rtol=1e-12)
        elif name == "GRU":
            (ir, iz, in_), (hr, hz, hn) = np.split(gi, 3, axis=1), np.split(gh, 3, axis=1)
            r, z = _sigmoid(ir + hr), _sigmoid(iz + hz)
            n = np.tanh(in_ + r * hn)
            np.testing.assert_allclose(_np(m(ag.tensor(x), ag.tensor(h))), (1 - z) * n + z * h,
                                       rtol=1e-12)
        else:
            np.testing.assert_allclose(_np(m(ag.tensor(x), ag.tensor(h))), np.tanh(gi + gh),
                                       rtol=1e-12)


def test_layer_is_its_cell_over_time_and_layers() -> None:
    """A 2-layer bidirectional GRU, batch_first, equals its cells run by hand."""
    ag.manual_seed(24)
    m = nn.GRU(3, 4, num_layers=2, bidirectional=True, batch_first=True, dtype=ag.float64)
    x = ag.tensor(np.random.default_rng(25).standard_normal((2, 5, 3)))
    out, h_n = m(x)
    inputs = [x[:, t] for t in range(5)]
    finals = []
    for layer in range(2):
        per_direction = []
        for suffix in ("", "_reverse"):
            cell = nn.GRUCell(inputs[0].shape[1], 4, dtype=ag.float64)
            cell.load_state_dict({k.replace(f"_l{layer}{suffix}", ""): v
                                  for k, v in m.state_dict().items()
                                  if k.endswith(f"_l{layer}{suffix}")})
            h, outs = None, [None] * 5
            for t in (range(5) if not suffix else range(4, -1, -1)):
                h = cell(inputs[t], h)
                outs[t] = h
            per_direction.append(outs)
            finals.append(h)
        inputs = [ag.cat([a, b], 1) for a, b in zip(*per_direction)]
    np.testing.assert_allclose(_np(out), _np(ag.stack(inputs, 1)), rtol=1e-12)
    np.testing.assert_allclose(_np(h_n), _np(ag.stack(finals)), rtol=1e-12)


def test_unbatched_input_gives_unbatched_outputs() -> None:
    m = nn.LSTM(3, 4, num_layers=2)
    out, (h, c) = m(ag.zeros(6, 3))
    assert out.shape == (6, 4) and h.shape == (2, 4) and c.shape == (2, 4)
    batched, (hb, cb) = m(ag.zeros(6, 1, 3))
    np.testing.assert_array_equal(_np(out), _np(batched[:, 0]))
    assert m(ag.zeros(6, 3), (h, c))[0].shape == (6, 4)


def test_a_training_loop_learns_to_sum_a_sequence() -> None:
    """The README's kind of loop: an LSTM and a Linear learn y = sum of the sequence."""
    import optim

    ag.manual_seed(26)
    rng = np.random.default_rng(27)
    x = ag.tensor(rng.uniform(-1, 1, (64, 6, 1)).astype(np.float32))
    y = x.sum(1)
    lstm, fc = nn.LSTM(1, 16, batch_first=True), nn.Linear(16, 1)
    opt = optim.Adam([*lstm.parameters(), *fc.parameters()], lr=0.02)
    losses = []
    for _ in range(150):
        opt.zero_grad()
        out, _ = lstm(x)
        loss = nn.MSELoss()(fc(out[:, -1, :]), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.02 * losses[0]
