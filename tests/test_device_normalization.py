"""Normalisation, channel dropout and embedding on device='cuda', with the strict fake CuPy.

Each layer gives on the GPU what it gives on the CPU (outputs, gradients, running
statistics), keeps everything on the GPU, and a training step reads nothing back to the
host. tests/test_device_cuda.py runs these same tests on a real GPU where there is one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import fake_cuda
import numpy as np
import pytest

import autograd as ag
from autograd import backend

nn = pytest.importorskip("nn")
F = nn.functional


@pytest.fixture(autouse=True)
def gpu():
    with fake_cuda.installed() as module:
        yield module


def _on_gpu(t: ag.Tensor) -> np.ndarray:
    assert t.is_cuda and isinstance(t._array, backend.cuda_module().ndarray), f"{t.device}"
    return t.detach().cpu().numpy()


@contextlib.contextmanager
def _no_host_reads() -> Iterator[None]:
    if backend.cuda_module() is fake_cuda:
        before = fake_cuda.host_reads
        yield
        assert fake_cuda.host_reads == before, f"{fake_cuda.host_reads - before} host reads"
        return
    import warnings

    import cupyx

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with cupyx.allow_synchronize(False):
            yield


LAYERS: dict[str, Any] = {
    "BatchNorm1d 2D": (lambda: nn.BatchNorm1d(3), (6, 3)),
    "BatchNorm1d 3D": (lambda: nn.BatchNorm1d(3), (4, 3, 5)),
    "BatchNorm1d momentum None": (lambda: nn.BatchNorm1d(3, momentum=None), (4, 3, 5)),
    "BatchNorm1d untracked": (lambda: nn.BatchNorm1d(3, track_running_stats=False), (4, 3)),
    "BatchNorm2d": (lambda: nn.BatchNorm2d(3), (2, 3, 4, 4)),
    "BatchNorm2d no affine": (lambda: nn.BatchNorm2d(3, affine=False), (2, 3, 4, 4)),
    "LayerNorm": (lambda: nn.LayerNorm([3, 4]), (2, 3, 4)),
    "GroupNorm": (lambda: nn.GroupNorm(2, 4), (3, 4, 5)),
}


@pytest.mark.parametrize("name", list(LAYERS))
@pytest.mark.parametrize("dtype", [ag.float32, ag.float64])
def test_norm_layers_on_the_gpu_equal_the_cpu(name: str, dtype: Any) -> None:
    make, shape = LAYERS[name]
    rng = np.random.default_rng(0)
    batches = [rng.standard_normal(shape) * 2 + 1 for _ in range(2)]
    results = {}
    for device in ("cpu", "cuda"):
        ag.manual_seed(0)
        module = make().to(dtype).to(device)
        outs = []
        for mode in ("train", "train", "eval"):
            getattr(module, mode)()
            x = ag.tensor(batches[len(outs) % 2], dtype=dtype, device=device, requires_grad=True)
            y = module(x)
            assert y.device.type == device and y.dtype == dtype
            (y * y).sum().backward()
            outs += [y.detach().cpu().numpy(), x.grad.cpu().numpy()]
        for p in module.parameters():
            assert p.grad.device.type == device
            outs.append(p.grad.cpu().numpy())
        for b in module.buffers():
            assert b.device.type == device
            outs.append(b.cpu().numpy())
        results[device] = outs
    tol = 1e-5 if dtype == ag.float32 else 1e-12
    for gpu_value, cpu_value in zip(results["cuda"], results["cpu"], strict=True):
        np.testing.assert_allclose(gpu_value, cpu_value, rtol=tol, atol=tol)


def test_batch_norm_gradcheck_on_the_gpu() -> None:
    rng = np.random.default_rng(1)
    x = ag.tensor(rng.standard_normal((4, 3, 2)), device="cuda", requires_grad=True)
    w = ag.tensor(rng.standard_normal(3), device="cuda", requires_grad=True)
    b = ag.tensor(rng.standard_normal(3), device="cuda", requires_grad=True)
    assert ag.gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
                        [x, w, b])
    assert ag.gradgradcheck(lambda x, w: F.group_norm(x, 3, w), [x, w])
    assert ag.gradgradcheck(lambda x, w: F.layer_norm(x, (2,), w[:2]), [x, w])


def test_a_training_step_with_norm_layers_never_waits_for_the_gpu() -> None:
    optim = pytest.importorskip("optim")
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Dropout1d(0.2),
                          nn.Linear(6, 6), nn.LayerNorm(6), nn.Unflatten(1, (2, 3)),
                          nn.GroupNorm(2, 2), nn.Flatten(), nn.Linear(6, 2)).to("cuda")
    opt = optim.SGD(model.parameters(), lr=0.1)
    x = ag.randn(8, 4, device="cuda")
    y = ag.tensor([0, 1] * 4, device="cuda")
    with _no_host_reads():
        for _ in range(2):
            opt.zero_grad()
            F.cross_entropy(model(x), y).backward()
            opt.step()
    assert model[1].num_batches_tracked.is_cuda and model[1].num_batches_tracked.item() == 2


def test_embedding_on_the_gpu_equals_the_cpu() -> None:
    rng = np.random.default_rng(2)
    w = rng.standard_normal((6, 3))
    idx = np.array([[0, 5, 5], [2, 0, 5]])
    results = {}
    for device in ("cpu", "cuda"):
        emb = nn.Embedding.from_pretrained(ag.tensor(w.copy(), device=device), freeze=False,
                                           padding_idx=2, scale_grad_by_freq=True, max_norm=1.2)
        out = emb(ag.tensor(idx, device=device))
        (out * out).sum().backward()
        assert out.device.type == device and emb.weight.grad.device.type == device
        results[device] = [out.detach().cpu().numpy(), emb.weight.grad.cpu().numpy(),
                           emb.weight.detach().cpu().numpy()]
    for gpu_value, cpu_value in zip(results["cuda"], results["cpu"], strict=True):
        np.testing.assert_allclose(gpu_value, cpu_value, rtol=1e-12, atol=1e-14)


def test_embedding_lookup_and_backward_never_wait_for_the_gpu() -> None:
    emb = nn.Embedding(10, 4, padding_idx=0).to("cuda")
    idx = ag.tensor([[1, 2, 0], [9, 9, 3]], device="cuda")
    with _no_host_reads():
        emb(idx).sum().backward()
    np.testing.assert_array_equal(_on_gpu(emb.weight.grad)[[0, 1, 9]],
                                  [[0] * 4, [1] * 4, [2] * 4])


def test_out_of_range_embedding_index_on_the_gpu_raises_at_the_next_read() -> None:
    emb = nn.Embedding(4, 2).to("cuda")
    out = emb(ag.tensor([1, 4], device="cuda"))  # no error yet: that would wait for the GPU
    with pytest.raises(IndexError, match="index out of range in self.*checked on the GPU"):
        out.cpu()


def test_channel_dropout_on_the_gpu_draws_the_cpu_mask() -> None:
    ag.manual_seed(4)
    cpu = F.dropout2d(ag.ones(3, 4, 2, 2), p=0.5)
    ag.manual_seed(4)
    x = ag.ones(3, 4, 2, 2, device="cuda", requires_grad=True)
    out = nn.Dropout2d(0.5)(x)
    np.testing.assert_array_equal(_on_gpu(out), cpu.numpy())
    out.sum().backward()
    np.testing.assert_array_equal(_on_gpu(x.grad), cpu.numpy())
    ag.manual_seed(4)
    one_d = F.dropout1d(ag.ones(4, 3, device="cuda"), p=0.5)
    ag.manual_seed(4)
    np.testing.assert_array_equal(_on_gpu(one_d), F.dropout1d(ag.ones(4, 3), p=0.5).numpy())
