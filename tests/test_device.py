"""PyTorch's device model: ``ag.device``, ``device=``, ``.to``/``.cuda()``/``.cpu()``, clear errors.

The GPU runs on the strict fake CuPy of tests/fake_cuda.py; tests/test_device_cuda.py
runs the same kind of checks on a real GPU where there is one.
"""

from __future__ import annotations

import io
import subprocess
import sys

import fake_cuda
import numpy as np
import pytest

import autograd as ag
from autograd import backend


@pytest.fixture
def gpu():
    """One fake GPU, installed as the 'cuda' array module for this test."""
    with fake_cuda.installed(devices=1) as module:
        yield module


@pytest.fixture
def two_gpus():
    with fake_cuda.installed(devices=2) as module:
        yield module


@pytest.fixture
def no_cupy(monkeypatch):
    """A machine without CuPy: ``import cupy`` fails, and nothing is installed in its place."""
    previous = backend.set_cuda_module(None)
    monkeypatch.setitem(sys.modules, "cupy", None)
    yield
    backend.set_cuda_module(*previous)


# --- ag.device ----------------------------------------------------------------------------------

def test_device_parsing_printing_and_equality() -> None:
    assert str(ag.device("cpu")) == "cpu" and str(ag.device("cuda:1")) == "cuda:1"
    assert repr(ag.device("cuda:0")) == "device(type='cuda', index=0)"
    assert repr(ag.device("cuda")) == "device(type='cuda')"
    assert ag.device("cuda", 1) == "cuda:1" and ag.device(ag.device("cuda:1")).index == 1
    assert ag.device("cpu") == "cpu" and ag.device("cpu") != ag.device("cuda")
    assert ag.device("cuda") == ag.device("cuda:0")  # 'cuda' is the current GPU, cuda:0 here
    assert len({ag.device("cuda"), ag.device("cuda:0")}) == 1


@pytest.mark.parametrize("spec", ["gpu", "cuda:x", "cpu:1", "CUDA", "cuda:-1", ""])
def test_bad_device_strings_are_clear_errors(spec: str) -> None:
    with pytest.raises(RuntimeError, match="cpu|cuda"):
        ag.device(spec)
    with pytest.raises(TypeError, match="device must be a string"):
        ag.device(3.5)


# --- device= on every constructor --------------------------------------------------------------

CONSTRUCTORS = {
    "tensor": lambda d: ag.tensor([[1.0, 2.0]], device=d),
    "as_tensor": lambda d: ag.as_tensor(np.ones(2), device=d),
    "Tensor": lambda d: ag.Tensor([1.0], device=d),
    "zeros": lambda d: ag.zeros(2, 3, device=d),
    "ones": lambda d: ag.ones((2,), device=d),
    "empty": lambda d: ag.empty(2, device=d),
    "full": lambda d: ag.full((2,), 7, device=d),
    "arange": lambda d: ag.arange(5, device=d),
    "linspace": lambda d: ag.linspace(0, 1, 5, device=d),
    "eye": lambda d: ag.eye(3, device=d),
    "rand": lambda d: ag.rand(2, device=d),
    "randn": lambda d: ag.randn(2, 2, device=d),
    "randint": lambda d: ag.randint(0, 5, (3,), device=d),
    "randperm": lambda d: ag.randperm(4, device=d),
    "zeros_like": lambda d: ag.zeros_like(ag.ones(2, device=d)),
    "ones_like": lambda d: ag.ones_like(ag.ones(2, device=d)),
    "full_like": lambda d: ag.full_like(ag.ones(2, device=d), 3.0),
    "empty_like": lambda d: ag.empty_like(ag.ones(2, device=d)),
    "rand_like": lambda d: ag.rand_like(ag.ones(2, device=d)),
    "randn_like": lambda d: ag.randn_like(ag.ones(2, device=d)),
}


@pytest.mark.parametrize("name", list(CONSTRUCTORS))
def test_every_constructor_takes_device(gpu, name: str) -> None:
    on_cpu, on_gpu = CONSTRUCTORS[name]("cpu"), CONSTRUCTORS[name]("cuda")
    assert on_cpu.device == ag.device("cpu") and not on_cpu.is_cuda
    assert isinstance(on_cpu._array, np.ndarray)
    assert on_gpu.device == ag.device("cuda:0") and on_gpu.is_cuda
    assert isinstance(on_gpu._array, gpu.ndarray)
    assert on_gpu.dtype == on_cpu.dtype and on_gpu.shape == on_cpu.shape
    if name not in ("empty", "empty_like", "rand", "randn", "randperm", "randint", "rand_like",
                    "randn_like"):
        np.testing.assert_array_equal(on_gpu.cpu().numpy(), on_cpu.numpy())


def test_like_constructors_can_move_too(gpu) -> None:
    x = ag.ones(2, device="cuda")
    assert ag.zeros_like(x, device="cpu").device.type == "cpu"
    assert ag.ones_like(ag.ones(2), device="cuda").is_cuda


def test_tensor_from_a_gpu_tensor_stays_on_the_gpu_and_copies(gpu) -> None:
    x = ag.tensor([1.0, 2.0], device="cuda")
    y = ag.tensor(x)
    assert y.is_cuda and y._array is not x._array
    z = ag.tensor(x, device="cpu")
    assert not z.is_cuda and z.tolist() == [1.0, 2.0]


# --- moving: .to / .cuda / .cpu -----------------------------------------------------------------

def test_to_cuda_and_back_keeps_values_dtype_and_requires_grad(gpu) -> None:
    x = ag.tensor([[1.5, -2.0]], dtype=ag.float64)
    y = x.cuda()
    assert y.is_cuda and y.dtype == ag.float64 and isinstance(y._array, gpu.ndarray)
    assert x.to("cuda").is_cuda and x.to(ag.device("cuda:0")).is_cuda
    assert x.to(device="cuda", dtype=ag.float32).dtype == ag.float32
    z = y.cpu()
    assert type(z._array) is np.ndarray and z.tolist() == [[1.5, -2.0]]
    assert y.to("cuda") is y and x.to("cpu") is x and x.cpu() is x  # already there: no copy
    assert x.to(y).is_cuda and y.to(x).device.type == "cpu"  # to(other): other's device, dtype
    assert x.to("cuda", non_blocking=True).is_cuda  # accepted, as in PyTorch training loops
    assert y.to("cuda", copy=True) is not y and y.to("cuda", copy=True)._array is not y._array


def test_moving_copies_so_the_two_copies_are_independent(gpu) -> None:
    host = np.array([1.0, 2.0])
    t = ag.from_numpy(host)
    g = t.cuda()
    host[0] = 100.0
    assert g.tolist() == [1.0, 2.0]
    with ag.no_grad():
        g.add_(1)
    assert t.tolist() == [100.0, 2.0]


def test_gradients_flow_back_across_devices(gpu) -> None:
    """y = f(x.cuda()): dL/dx arrives on the CPU, where x lives, as in PyTorch."""
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x.cuda() * ag.tensor([3.0, 4.0], device="cuda")).sum()
    assert y.is_cuda and y.grad_fn is not None
    y.backward()
    assert x.grad.device.type == "cpu" and x.grad.tolist() == [3.0, 4.0]

    w = ag.tensor([1.0, 2.0], requires_grad=True, device="cuda")
    (w.cpu() ** 2).sum().backward()
    assert w.grad.is_cuda and w.grad.tolist() == [2.0, 4.0]


def test_second_derivative_across_devices(gpu) -> None:
    x = ag.tensor([2.0], requires_grad=True, dtype=ag.float64)
    y = (x.cuda() ** 3).sum()
    (g,) = ag.grad(y, x, create_graph=True)
    assert g.device.type == "cpu" and g.item() == 12.0
    g.backward()
    assert x.grad.item() == 12.0  # d2/dx2 x^3 = 6x


def test_cuda_with_an_index_and_to_a_second_gpu(two_gpus) -> None:
    x = ag.tensor([1.0, 2.0])
    y = x.cuda(1)
    assert y.device == ag.device("cuda:1") and str(y.device) == "cuda:1"
    z = y.to("cuda:0")
    assert z.device == ag.device("cuda:0") and z.tolist() == [1.0, 2.0]
    assert ag.zeros(2, device="cuda:1").device.index == 1
    assert ag.cuda.device_count() == 2


def test_computing_on_a_second_gpu_needs_it_current(two_gpus) -> None:
    """Kernels run on the current GPU (CuPy's rule); ag.cuda.device(N) makes cuda:N current."""
    x = ag.tensor([1.0, 2.0], device="cuda:1", requires_grad=True)
    assert ag.cuda.current_device() == 0
    with pytest.raises(RuntimeError, match=r"on cuda:1 but the current GPU is cuda:0.*"
                                           r"ag\.cuda\.device\(1\)"):
        x * 2
    with ag.cuda.device(1):
        assert ag.cuda.current_device() == 1
        y = (x * x).sum()
        y.backward()
        assert y.device == ag.device("cuda:1") and x.grad.device == ag.device("cuda:1")
        assert x.grad.tolist() == [2.0, 4.0]
        with pytest.raises(RuntimeError, match="same device.*cuda:1 and cuda:0"):
            x + ag.ones(2, device="cuda:0")
    assert ag.cuda.current_device() == 0
    ag.cuda.set_device("cuda:1")
    assert (x + 1).device.index == 1 and ag.ones(1, device="cuda").device.index == 1
    ag.cuda.set_device(0)
    with pytest.raises(RuntimeError, match="invalid device ordinal"):
        ag.cuda.device(2)
    with pytest.raises(ValueError, match="Expected a cuda device"):
        ag.cuda.set_device("cpu")


def test_asking_for_a_gpu_that_is_not_there(gpu) -> None:
    with pytest.raises(RuntimeError, match=r"invalid device ordinal.*cuda:3.*1 GPU"):
        ag.zeros(2, device="cuda:3")
    with pytest.raises(RuntimeError, match="invalid device ordinal"):
        ag.tensor([1.0]).to("cuda:1")


def test_cupy_without_any_gpu_is_a_clear_error(gpu) -> None:
    gpu.device_count = 0
    assert not ag.cuda.is_available() and ag.cuda.device_count() == 0
    with pytest.raises(RuntimeError, match="sees no CUDA GPU.*device='cpu'"):
        ag.ones(2, device="cuda")


def test_device_and_repr(gpu) -> None:
    x = ag.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    assert x.device == ag.device("cuda", 0) and x.device.type == "cuda"
    assert repr(x) == "tensor([1., 2.], device='cuda:0', requires_grad=True)"
    assert repr(x.detach().long()) == "tensor([1, 2], device='cuda:0')"
    assert str(ag.zeros(1).device) == "cpu"


# --- ag.cuda ----------------------------------------------------------------------------------

def test_cuda_is_available_and_device_count_with_a_gpu(gpu) -> None:
    assert ag.cuda.is_available() is True
    assert ag.cuda.device_count() == 1


def test_without_cupy_cuda_is_unavailable_and_device_cuda_says_how_to_install(no_cupy) -> None:
    assert ag.cuda.is_available() is False
    assert ag.cuda.device_count() == 0
    x = ag.tensor([1.0])
    for attempt in (lambda: ag.zeros(2, device="cuda"), x.cuda, lambda: x.to("cuda:0"),
                    lambda: ag.tensor([1.0], device="cuda"), lambda: ag.randn(2, device="cuda")):
        with pytest.raises(RuntimeError, match=r"needs CuPy.*pip install 'gradschool\[cuda\]'"):
            attempt()
    assert x.device.type == "cpu" and (x * 2).tolist() == [2.0]  # the CPU is unaffected


def test_a_broken_cupy_is_reported_not_raised_by_is_available(monkeypatch) -> None:
    """CuPy built for another CUDA or numpy can fail at import with any error, not ImportError."""

    class BrokenCupy:
        def find_spec(self, name, path=None, target=None):
            if name == "cupy":
                raise OSError("libcudart.so.12: cannot open shared object file")
            return None

    previous = backend.set_cuda_module(None)
    monkeypatch.delitem(sys.modules, "cupy", raising=False)
    monkeypatch.setattr(sys, "meta_path", [BrokenCupy(), *sys.meta_path])
    try:
        assert ag.cuda.is_available() is False and ag.cuda.device_count() == 0
        with pytest.raises(RuntimeError, match=r"OSError: libcudart.*gradschool\[cuda\]"):
            ag.zeros(1, device="cuda")
    finally:
        backend.set_cuda_module(*previous)


def test_importing_the_library_does_not_import_cupy() -> None:
    code = ("import sys; import autograd, nn, optim; import autograd as ag; "
            "ag.tensor([1.0]) * 2; ag.device('cuda'); "
            "assert 'cupy' not in sys.modules, 'cupy was imported'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


# --- mixing devices is a clear error --------------------------------------------------------------

def _pair() -> tuple[ag.Tensor, ag.Tensor]:
    return (ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True),
            ag.tensor([[1.0, 0.0], [0.0, 1.0]], device="cuda", requires_grad=True))


MIXED = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a ** b,
    "matmul": lambda a, b: a @ b,
    "ag.matmul": lambda a, b: ag.matmul(a, b),
    "ag.add": lambda a, b: ag.add(a, b),
    "maximum": lambda a, b: ag.maximum(a, b),
    "comparison": lambda a, b: a < b,
    "cat": lambda a, b: ag.cat([a, b]),
    "stack": lambda a, b: ag.stack([a, b], dim=1),
    "where": lambda a, b: ag.where(a > 0, a, b),
    "where condition": lambda a, b: ag.where(b > 0, a, a),
    "masked_fill": lambda a, b: a.masked_fill(b > 0, 0.0),
    "gather": lambda a, b: a.gather(1, (b > 2).long()),
}


@pytest.mark.parametrize("name", list(MIXED))
@pytest.mark.parametrize("gpu_first", [False, True], ids=["cpu-cuda", "cuda-cpu"])
def test_mixing_devices_names_both(gpu, name: str, gpu_first: bool) -> None:
    a, b = _pair()
    if gpu_first:
        a, b = b, a
    with pytest.raises(RuntimeError, match=r"same device.*(cpu and cuda:0|cuda:0 and cpu)"):
        MIXED[name](a, b)


def test_mixing_devices_in_linear_and_losses(gpu) -> None:
    F = pytest.importorskip("nn.functional")
    x = ag.randn(4, 3)
    w, b = ag.randn(2, 3, device="cuda"), ag.randn(2, device="cuda")
    pattern = r"same device.*(cpu and cuda:0|cuda:0 and cpu)"
    with pytest.raises(RuntimeError, match=pattern):
        F.linear(x, w, b)
    with pytest.raises(RuntimeError, match=pattern):
        F.linear(x.cuda(), w, b.cpu())
    out = F.linear(x.cuda(), w, b)
    target = ag.tensor([0, 1, 1, 0])
    for loss in (lambda: F.cross_entropy(out, target), lambda: F.nll_loss(out, target),
                 lambda: F.mse_loss(out, ag.zeros(4, 2)), lambda: F.l1_loss(out, ag.zeros(4, 2)),
                 lambda: F.binary_cross_entropy_with_logits(out, ag.zeros(4, 2))):
        with pytest.raises(RuntimeError, match=pattern):
            loss()


def test_gpu_gradient_for_a_cpu_output_is_an_error(gpu) -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="device"):
        (x * 2).backward(ag.ones(2, device="cuda"))


# --- leaving the GPU ------------------------------------------------------------------------------

def test_numpy_of_a_gpu_tensor_says_call_cpu_first(gpu) -> None:
    x = ag.tensor([1.0, 2.0], device="cuda")
    with pytest.raises(TypeError, match=r"cuda:0.*Tensor\.cpu\(\)"):
        x.numpy()
    with pytest.raises(TypeError, match=r"cpu\(\)"):
        np.asarray(x)
    assert x.cpu().numpy().tolist() == [1.0, 2.0]
    assert x.tolist() == [1.0, 2.0] and x[1].item() == 2.0 and float(x.sum()) == 3.0


def test_the_fake_refuses_what_cupy_refuses(gpu) -> None:
    """If this test fails, the fake has gone soft and the other GPU tests prove nothing."""
    a = gpu.asarray(np.ones((2, 2)))
    host = np.ones((2, 2))
    with pytest.raises(TypeError, match="Implicit conversion to a NumPy array is not allowed"):
        np.asarray(a)
    with pytest.raises(TypeError, match="Implicit conversion"):
        np.array(a)
    for mix in (lambda: a + host, lambda: host + a, lambda: a * host, lambda: gpu.exp(host),
                lambda: np.maximum(a, host)):
        with pytest.raises(TypeError, match="Unsupported type"):
            mix()
    for mix in (lambda: host @ a, lambda: a @ host, lambda: np.where(a > 0, a, host),
                lambda: np.concatenate([a, host])):
        with pytest.raises(TypeError):
            mix()
    with pytest.raises(ValueError, match="non-scalar numpy.ndarray cannot be used for fill"):
        a[...] = host
    counts = gpu.zeros(3, dtype=np.int64)
    if gpu.__name__ == "cupy" and int(gpu.__version__.split(".")[0]) >= 14:
        gpu.add.at(counts, gpu.asarray(np.array([0, 0])), 1)  # CuPy 14 added int64 atomics
        assert counts.tolist() == [2, 0, 0]
    else:
        with pytest.raises(TypeError, match="scatter_add only supports"):
            gpu.add.at(counts, gpu.asarray(np.array([0])), 1)
    assert not hasattr(a.data, "shape")  # .data is CuPy's memory pointer, not an array
    # what CuPy allows: numbers, numpy scalars, host index arrays, numpy calls on GPU arrays
    assert type(a * 2 + np.float32(1)) is gpu.ndarray and type(np.exp(a)) is gpu.ndarray
    assert type(a.sum()) is gpu.ndarray and a.sum().ndim == 0 and float(a.sum()) == 4.0
    assert type(np.concatenate([a, a])) is gpu.ndarray and a[np.array([1])].shape == (1, 2)
    assert isinstance(gpu.asnumpy(a), np.ndarray) and isinstance(a.get(), np.ndarray)


# --- ag.save / ag.load ---------------------------------------------------------------------------

def test_save_gpu_tensors_and_load_them_back_on_the_gpu_or_the_cpu(gpu) -> None:
    w = ag.tensor([[1.0, 2.0]], device="cuda", requires_grad=True)
    state = {"w": w, "b": ag.zeros(2, device="cuda"), "step": 3, "cpu": ag.ones(1)}
    f = io.BytesIO()
    ag.save(state, f)
    f.seek(0)
    back = ag.load(f)
    assert back["w"].is_cuda and back["w"].requires_grad and back["w"].tolist() == [[1.0, 2.0]]
    assert back["b"].is_cuda and back["step"] == 3 and not back["cpu"].is_cuda
    f.seek(0)
    on_cpu = ag.load(f, map_location="cpu")
    assert all(not t.is_cuda for t in (on_cpu["w"], on_cpu["b"], on_cpu["cpu"]))
    assert isinstance(on_cpu["w"]._array, np.ndarray) and on_cpu["w"].tolist() == [[1.0, 2.0]]
    f.seek(0)
    on_gpu = ag.load(f, map_location="cuda")
    assert on_gpu["cpu"].is_cuda and on_gpu["w"].is_cuda


def test_a_gpu_checkpoint_loads_on_a_machine_without_cupy(gpu, monkeypatch) -> None:
    f = io.BytesIO()
    ag.save({"w": ag.ones(2, device="cuda")}, f)
    previous = backend.set_cuda_module(None)
    monkeypatch.setitem(sys.modules, "cupy", None)
    try:
        f.seek(0)
        assert ag.load(f, map_location="cpu")["w"].tolist() == [1.0, 1.0]
        f.seek(0)
        pattern = r"(?s)saved on cuda:0.*needs CuPy.*map_location='cpu'"
        with pytest.raises(RuntimeError, match=pattern):
            ag.load(f)
    finally:
        backend.set_cuda_module(*previous)


# --- optimizers keep their state on the parameters' device ----------------------------------------

OPTIMIZERS = {
    "SGD": lambda ps: __import__("optim").SGD(ps, lr=0.1),
    "SGD momentum": lambda ps: __import__("optim").SGD(ps, lr=0.1, momentum=0.9, nesterov=True,
                                                       weight_decay=0.01),
    "Adagrad": lambda ps: __import__("optim").Adagrad(ps, lr=0.1),
    "RMSprop": lambda ps: __import__("optim").RMSprop(ps, lr=0.01, momentum=0.5, centered=True),
    "Adam": lambda ps: __import__("optim").Adam(ps, lr=0.01, amsgrad=True),
    "AdamW": lambda ps: __import__("optim").AdamW(ps, lr=0.01),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_state_lives_on_the_parameters_device(gpu, name: str) -> None:
    pytest.importorskip("optim")
    results = {}
    for device in ("cpu", "cuda"):
        w = ag.tensor([[0.5, -1.0], [2.0, 0.25]], device=device, requires_grad=True)
        data = w._array
        opt = OPTIMIZERS[name]([w])
        for _ in range(3):
            opt.zero_grad()
            ((w * w).sum() + w.sum()).backward()
            opt.step()
        assert w._array is data and w.device.type == device  # updated in place, where it lives
        for key, value in opt.state[w].items():
            if isinstance(value, ag.Tensor) and value.ndim:
                assert value.device.type == device, f"{name} state[{key!r}] on {value.device}"
        results[device] = w.detach().cpu().numpy()
    np.testing.assert_allclose(results["cuda"], results["cpu"], rtol=1e-6)


def test_optimizer_state_dict_loads_onto_the_parameters_device(gpu) -> None:
    optim = pytest.importorskip("optim")
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    (w * w).sum().backward()
    opt.step()
    saved = opt.state_dict()
    w_gpu = ag.tensor([1.0, 2.0], requires_grad=True, device="cuda")
    opt_gpu = optim.Adam([w_gpu], lr=0.1)
    opt_gpu.load_state_dict(saved)
    assert opt_gpu.state[w_gpu]["exp_avg"].is_cuda
    (w_gpu * w_gpu).sum().backward()
    opt_gpu.step()
    assert w_gpu.is_cuda
