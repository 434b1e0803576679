"""nn.RNN, nn.LSTM, nn.GRU and their cells on device='cuda', with the strict fake CuPy of
tests/fake_cuda.py: the same numbers and gradients as on the CPU, every result on the GPU,
packed sequences included. tests/test_device_cuda.py runs these same tests on a real GPU.
"""

from __future__ import annotations

import copy

import fake_cuda
import numpy as np
import pytest

import autograd as ag
import nn
from nn.utils.rnn import pack_sequence, pad_packed_sequence

LAYERS = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}
CELLS = {"RNNCell": nn.RNNCell, "LSTMCell": nn.LSTMCell, "GRUCell": nn.GRUCell}


@pytest.fixture(autouse=True)
def gpu():
    with fake_cuda.installed() as module:
        yield module


def _np(t: ag.Tensor) -> np.ndarray:
    return t.detach().cpu().numpy()


@pytest.mark.parametrize("mode", LAYERS)
def test_layers_on_the_gpu_match_the_cpu(mode: str) -> None:
    ag.manual_seed(28)
    cpu = LAYERS[mode](3, 4, num_layers=2, bidirectional=True, batch_first=True,
                       dtype=ag.float64)
    rng = np.random.default_rng(29)
    x_np = rng.standard_normal((2, 5, 3))
    h_np = rng.standard_normal((4, 2, 4))

    def run(model: nn.Module, device: str) -> list[np.ndarray]:
        x = ag.tensor(x_np, device=device, requires_grad=True)
        states = [ag.tensor(h_np, device=device) for _ in range(2 if mode == "LSTM" else 1)]
        out, h = model(x, tuple(states) if mode == "LSTM" else states[0])
        hs = list(h) if mode == "LSTM" else [h]
        loss = (out * out).sum() + sum((s * 2).sum() for s in hs)
        loss.backward()
        assert all(t.is_cuda == (device == "cuda") for t in [out, *hs, x.grad])
        return [_np(out), *map(_np, hs), _np(x.grad), *(_np(p.grad) for p in model.parameters())]

    expected = run(cpu, "cpu")
    model = copy.deepcopy(cpu)
    for p in model.parameters():
        p.grad = None
    model.to("cuda")
    got = run(model, "cuda")
    # a packed batch, sorted on the GPU, against the same batch on the CPU
    seqs = [rng.standard_normal((n, 3)) for n in (2, 4, 3)]
    packed_cpu = pack_sequence([ag.tensor(s) for s in seqs], enforce_sorted=False)
    packed = pack_sequence([ag.tensor(s, device="cuda") for s in seqs], enforce_sorted=False)
    assert packed.data.is_cuda and packed.sorted_indices.is_cuda
    out_packed, h = model(packed)
    padded, lengths = pad_packed_sequence(out_packed, batch_first=True)
    assert out_packed.data.is_cuda and padded.is_cuda and padded.shape == (3, 4, 8)
    padded_cpu, _ = pad_packed_sequence(cpu(packed_cpu)[0], batch_first=True)
    np.testing.assert_allclose(_np(padded), _np(padded_cpu), rtol=1e-12, atol=1e-14)
    assert _np(lengths).tolist() == [2, 4, 3]
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", CELLS)
def test_cells_on_the_gpu_match_the_cpu(name: str) -> None:
    ag.manual_seed(30)
    cpu = CELLS[name](3, 4, dtype=ag.float64)
    x_np = np.random.default_rng(31).standard_normal((2, 3))
    expected = cpu(ag.tensor(x_np))
    expected = _np(expected[0] if name == "LSTMCell" else expected)
    model = copy.deepcopy(cpu).to("cuda")
    out = model(ag.tensor(x_np, device="cuda"))
    out = out[0] if name == "LSTMCell" else out
    assert out.is_cuda
    out.sum().backward()
    assert all(p.grad.is_cuda for p in model.parameters())
    np.testing.assert_allclose(_np(out), expected, rtol=1e-12)
