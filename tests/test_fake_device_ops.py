"""The op table of tests/op_table.py run on device='cuda', with the strict fake CuPy.

For every op: the forward on the GPU equals the forward on the CPU, the
gradients equal the CPU gradients, and every result and gradient stays on the
GPU. The fake refuses silent conversions to numpy exactly where CuPy does, so a
pass here means no op body reaches for numpy on GPU data. A few checks also run
``ag.gradcheck`` and ``ag.gradgradcheck`` on GPU inputs (the create_graph path).
tests/test_device_cuda.py runs these same tests on a real GPU where there is one.
"""

from __future__ import annotations

from typing import Any

import fake_cuda
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from op_table import OPS, OPS_BY_NAME, Op, call, make_inputs

import autograd as ag
from autograd import backend


@pytest.fixture(autouse=True)
def gpu():
    with fake_cuda.installed():
        yield


class OnDevice:
    """``autograd`` with ``tensor(...)`` making tensors on one device (for the table's params)."""

    def __init__(self, device: str):
        self.device = device

    def __getattr__(self, name: str) -> Any:
        return getattr(ag, name)

    def tensor(self, data: Any, **kwargs: Any) -> ag.Tensor:
        return ag.tensor(data, device=self.device, **kwargs)


CPU, GPU = OnDevice("cpu"), OnDevice("cuda")


def _draw(op: Op, data: st.DataObject) -> tuple[list[np.ndarray], dict]:
    shapes, params = data.draw(op.case, label="shapes, params")
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    return make_inputs(op, shapes, seed), params


def _run(op: Op, lib: OnDevice, arrays: list[np.ndarray], params: dict, dtype: Any):
    """Forward and backward of ``op`` on ``lib``'s device: (output, input gradients)."""
    xs = [ag.tensor(a.astype(dtype), requires_grad=True, device=lib.device) for a in arrays]
    out = call(op, lib, xs, params)
    seed = np.random.default_rng(0).standard_normal(out.shape).astype(dtype)
    out.backward(ag.tensor(seed, device=lib.device))
    return out, [x.grad for x in xs]


def _on_gpu(t: ag.Tensor) -> np.ndarray:
    assert t.device == ag.device("cuda:0"), f"{t.device}"
    assert isinstance(t._array, backend.cuda_module().ndarray), type(t._array)
    return t.cpu().detach().numpy()


@pytest.mark.parametrize("op", OPS, ids=repr)
@settings(max_examples=5)
@given(data=st.data())
def test_gpu_forward_and_gradients_equal_cpu(op: Op, data: st.DataObject) -> None:
    arrays, params = _draw(op, data)
    for dtype, tol in ((np.float64, 1e-10), (np.float32, 1e-5)):
        out_cpu, grads_cpu = _run(op, CPU, arrays, params, dtype)
        out_gpu, grads_gpu = _run(op, GPU, arrays, params, dtype)
        assert out_gpu.dtype == out_cpu.dtype and out_gpu.shape == out_cpu.shape
        np.testing.assert_allclose(_on_gpu(out_gpu), out_cpu.detach().numpy(), rtol=tol,
                                   atol=tol, err_msg=op.name)
        for g_gpu, g_cpu in zip(grads_gpu, grads_cpu, strict=True):
            assert g_gpu.dtype == g_cpu.dtype and g_gpu.shape == g_cpu.shape
            np.testing.assert_allclose(_on_gpu(g_gpu), g_cpu.numpy(), rtol=tol, atol=tol,
                                       err_msg=op.name)


@pytest.mark.parametrize("name", ["exp", "mul", "matmul", "softmax", "gather", "where", "cat",
                                  "amax", "var", "expand"])
def test_gradcheck_on_gpu(name: str) -> None:
    """Central differences computed on the GPU agree with backward on the GPU."""
    op = OPS_BY_NAME[name]
    shapes, params = _fixed_case(name)
    arrays = make_inputs(op, shapes, seed=3)
    xs = [ag.tensor(a, requires_grad=True, device="cuda") for a in arrays]
    assert ag.gradcheck(lambda *ts: call(op, GPU, list(ts), params), xs)
    assert ag.gradcheck(lambda *ts: call(op, GPU, list(ts), params), xs, fast_mode=True)


@pytest.mark.parametrize("op", OPS, ids=repr)
@settings(max_examples=2)
@given(data=st.data())
def test_second_derivatives_on_gpu(op: Op, data: st.DataObject) -> None:
    """create_graph=True runs every backward rule on GPU Tensors; nothing may leave the GPU."""
    arrays, params = _draw(op, data)
    xs = [ag.tensor(a, requires_grad=True, device="cuda") for a in arrays]
    assert ag.gradgradcheck(lambda *ts: call(op, GPU, list(ts), params), xs)


def _fixed_case(name: str) -> tuple[list[tuple[int, ...]], dict]:
    """A small, fixed shape and params per op (no hypothesis: gradcheck is slow)."""
    index = np.array([[0, 2, 2], [1, 1, 0]])
    cases: dict[str, tuple[list, dict]] = {
        "mul": ([(2, 3), (3,)], {}), "div": ([(2, 3), (2, 1)], {}), "pow": ([(2, 3), (3,)], {}),
        "matmul": ([(2, 3), (3, 2)], {}), "softmax": ([(2, 3)], {"dim": 1}),
        "log_softmax": ([(2, 3)], {"dim": 0}), "logsumexp": ([(2, 3)], {"dim": 1,
                                                                         "keepdim": False}),
        "gather": ([(2, 3)], {"dim": 1, "index": index}),
        "where": ([(2, 3), (3,)], {"cond": np.array([[True, False, True]] * 2)}),
        "cat": ([(2, 1), (2, 2), (2, 1)], {"dim": 1}), "stack": ([(2,), (2,), (2,)], {"dim": 0}),
        "amax": ([(2, 3)], {"dim": 1, "keepdim": True}),
        "var": ([(2, 3)], {"dim": 0, "correction": 1, "keepdim": False}),
        "sum": ([(2, 3)], {"dim": 0, "keepdim": False}),
        "mean": ([(2, 3)], {"dim": None, "keepdim": False}),
        "expand": ([(1, 3)], {"sizes": (2, 2, -1)}),
    }
    return cases.get(name, ([(2, 3)], {}))


# --- indexing, in-place updates and the other paths the table does not reach -----------------

def test_indexing_with_repeated_indices_scatters_on_gpu() -> None:
    """x[[0, 0, 1]]'s backward is a scatter-add: repeated picks add up (CuPy's add.at)."""
    x = ag.tensor([5.0, 6.0, 7.0], requires_grad=True, device="cuda")
    for index in ([0, 0, 1], ag.tensor([0, 0, 1], device="cuda"), np.array([0, 0, 1]),
                  ag.tensor([0, 0, 1])):
        x.grad = None
        y = x[index]
        assert y.device.type == "cuda"
        y.sum().backward()
        np.testing.assert_array_equal(_on_gpu(x.grad), [2.0, 1.0, 0.0])


def test_boolean_mask_and_slices_on_gpu() -> None:
    x = ag.tensor([[1.0, -2.0], [3.0, -4.0]], requires_grad=True, device="cuda")
    y = x[x > 0].sum() + x[:, 1].sum() * 2
    y.backward()
    np.testing.assert_array_equal(_on_gpu(x.grad), [[1.0, 2.0], [1.0, 2.0]])


def test_in_place_updates_on_gpu() -> None:
    w = ag.tensor([1.0, 2.0, 3.0], requires_grad=True, device="cuda")
    w.grad = ag.tensor([0.5, 0.5, 0.5], device="cuda")
    data_before = w._array
    with ag.no_grad():
        w -= 0.1 * w.grad
        w.mul_(2).add_(1).clamp_(max=6.0)
        w[0] = 0.0
        w[ag.tensor([1], device="cuda")] = ag.tensor([7.0], device="cuda")
    assert w._array is data_before  # updated in place, no new array
    np.testing.assert_allclose(_on_gpu(w), [0.0, 7.0, 6.0], rtol=1e-6)
    w.grad.zero_()
    np.testing.assert_array_equal(_on_gpu(w.grad), [0.0, 0.0, 0.0])
    v = ag.zeros(3, device="cuda")
    v.copy_(ag.tensor([1.0, 2.0, 3.0], device="cuda"))
    v.fill_(4.0)
    np.testing.assert_array_equal(_on_gpu(v), [4.0, 4.0, 4.0])


def test_in_place_on_non_leaf_rebases_on_gpu() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True, device="cuda")
    y = x * 3
    y[0] = 10.0
    y += x
    y.sum().backward()
    np.testing.assert_array_equal(_on_gpu(x.grad), [1.0, 4.0])


def test_python_scalars_and_numpy_scalars_with_gpu_tensors() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True, device="cuda")
    y = (2 * x + 1.5 - np.float64(0.5)) / 2 + x ** 2 + 2 ** x
    y.sum().backward()
    assert y.dtype == ag.float32
    np.testing.assert_allclose(_on_gpu(y), [1.5 + 1 + 2, 2.5 + 4 + 4], rtol=1e-6)
    np.testing.assert_allclose(_on_gpu(x.grad), [1 + 2 + 2 * np.log(2), 1 + 4 + 4 * np.log(2)],
                               rtol=1e-6)


def test_reductions_give_gpu_scalars_and_item_copies_to_host() -> None:
    x = ag.tensor([[1.0, 5.0], [3.0, 2.0]], device="cuda")
    total = x.sum()
    assert total.ndim == 0 and total.device.type == "cuda"
    assert total.item() == 11.0 and float(total) == 11.0 and isinstance(total.item(), float)
    values, indices = x.max(dim=1)
    assert indices.device.type == "cuda" and indices.dtype == ag.int64
    assert indices.tolist() == [1, 0] and values.tolist() == [5.0, 3.0]
    assert x.argmax().item() == 1 and int(x.argmin(dim=0)[1]) == 1
    assert bool((x > 0).all()) and (x == 5.0).any().item()
    assert x.mean().item() == pytest.approx(2.75) and x.std().item() > 0
    assert x.norm().item() == pytest.approx(np.sqrt(39.0))


def test_comparisons_and_logic_on_gpu() -> None:
    x = ag.tensor([1.0, -2.0, 3.0], device="cuda")
    mask = (x > 0) & ~(x == 3.0) | (x < -5)
    assert mask.device.type == "cuda" and mask.tolist() == [True, False, False]
    assert x.isfinite().all().item() and not x.isnan().any().item()
    assert x.sign().tolist() == [1.0, -1.0, 1.0]
    assert x.masked_fill(x < 0, 0.0).tolist() == [1.0, 0.0, 3.0]


def test_dtype_casts_on_gpu() -> None:
    x = ag.tensor([1.5, -2.5], device="cuda", requires_grad=True)
    y = x.double() * 2
    assert y.dtype == ag.float64 and y.device.type == "cuda"
    y.sum().backward()
    assert x.grad.dtype == ag.float32 and x.grad.device.type == "cuda"
    assert x.long().dtype == ag.int64 and x.long().device.type == "cuda"
    assert (x.long() + 1.5).dtype == ag.float32


def test_deep_chain_and_reused_node_on_gpu() -> None:
    x = ag.tensor([0.5], requires_grad=True, device="cuda")
    y = x
    for _ in range(500):
        y = y * 1.0 + 0.0
    (y + y).sum().backward()
    np.testing.assert_array_equal(_on_gpu(x.grad), [2.0])


def test_autograd_grad_and_retain_grad_on_gpu() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True, device="cuda")
    h = x * x
    h.retain_grad()
    y = h.sum()
    (g,) = ag.grad(y, x, create_graph=True)
    np.testing.assert_array_equal(_on_gpu(g), [2.0, 4.0])
    (g.sum()).backward()
    np.testing.assert_array_equal(_on_gpu(x.grad), [2.0, 2.0])
    y2 = (x * x).sum()
    y2.backward()
    np.testing.assert_array_equal(_on_gpu(x.grad), [4.0, 6.0])


def test_user_defined_function_on_gpu() -> None:
    class Cube(ag.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x * x

    x = ag.tensor([1.0, 2.0], requires_grad=True, device="cuda")
    y = Cube.apply(x)
    y.sum().backward()
    assert y.device.type == "cuda"
    np.testing.assert_array_equal(_on_gpu(x.grad), [3.0, 12.0])


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_anomaly_mode_checks_gpu_gradients() -> None:
    x = ag.tensor([0.0, 1.0], requires_grad=True, device="cuda")
    with ag.detect_anomaly(), pytest.raises(RuntimeError, match="nan|inf"):
        ag.sqrt(x * 0 - 1).sum().backward()


def test_random_numbers_are_the_same_on_cpu_and_gpu() -> None:
    """Drawn on the host and moved: one seed, the same numbers on either device."""
    ag.manual_seed(0)
    cpu = [ag.rand(3), ag.randn(2, 2), ag.randint(0, 10, (4,)), ag.randperm(5)]
    ag.manual_seed(0)
    gpu = [ag.rand(3, device="cuda"), ag.randn(2, 2, device="cuda"),
           ag.randint(0, 10, (4,), device="cuda"), ag.randperm(5, device="cuda")]
    for c, g in zip(cpu, gpu, strict=True):
        assert g.device.type == "cuda" and g.dtype == c.dtype
        np.testing.assert_array_equal(_on_gpu(g), c.numpy())
    w = ag.empty(2, 3, device="cuda")
    w.uniform_(-1, 1)
    w.normal_(0, 0.01)
    assert w.device.type == "cuda" and isinstance(w._array, backend.cuda_module().ndarray)
    assert ag.rand_like(w).device.type == "cuda" and ag.bernoulli(ag.rand_like(w)).is_cuda


def test_scatter_add_goes_through_cupys_add_at(monkeypatch) -> None:
    """backend.scatter_add uses ``xp.add.at`` on the GPU, as CuPy >= 13 offers it."""
    calls = []
    real_at = fake_cuda.add.at
    monkeypatch.setattr(fake_cuda.add, "at", lambda *a: (calls.append(a), real_at(*a)))
    target = fake_cuda.zeros(3, dtype=np.float32)
    backend.scatter_add(target, fake_cuda.asarray(np.array([2, 2])),
                        fake_cuda.asarray(np.ones(2, np.float32)))
    assert len(calls) == 1 and target.tolist() == [0.0, 0.0, 2.0]


def test_erf_is_the_backends_on_either_device() -> None:
    """numpy has no erf: the backend picks scipy's on the host, cupyx's on CuPy."""
    import math

    values = np.array([-2.0, -0.3, 0.0, 0.7, 3.0])
    expected = [math.erf(v) for v in values]
    np.testing.assert_allclose(backend.erf(values), expected, rtol=1e-15)
    on_gpu = backend.erf(backend.asarray(values, device=ag.device("cuda")))
    assert backend.device_of(on_gpu).type == "cuda"
    np.testing.assert_allclose(backend.to_numpy(on_gpu), expected, rtol=1e-14)
