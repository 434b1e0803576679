"""nn and optim on device='cuda', with the strict fake CuPy of tests/fake_cuda.py.

``Module.to(device)`` moves the parameters in place; every layer, activation and
loss gives on the GPU what it gives on the CPU, gradients included; a whole
training loop (model, loss, optimizer, DataLoader, checkpoint) runs on the GPU
and lands where the CPU run lands. tests/test_device_cuda.py runs these same tests
on a real GPU where there is one.
"""

from __future__ import annotations

import contextlib
import io
import math
import warnings
from collections.abc import Iterator
from typing import Any

import fake_cuda
import numpy as np
import pytest

import autograd as ag
from autograd import backend

nn = pytest.importorskip("nn")
optim = pytest.importorskip("optim")
F = nn.functional


@pytest.fixture(autouse=True)
def gpu():
    with fake_cuda.installed() as module:
        yield module


def _on_gpu(t: ag.Tensor) -> np.ndarray:
    gpu_array = backend.cuda_module().ndarray
    assert t.is_cuda and isinstance(t._array, gpu_array), f"{t.device}, {type(t._array)}"
    return t.detach().cpu().numpy()


def _mlp(seed: int = 0) -> Any:
    ag.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 8), nn.ReLU(),
                         nn.Linear(8, 2))


# --- Module.to -----------------------------------------------------------------------------------

def test_module_to_cuda_moves_parameters_in_place() -> None:
    model = _mlp()
    params = list(model.parameters())
    values = [p.detach().numpy().copy() for p in params]
    opt = optim.SGD(model.parameters(), lr=0.1)
    assert model.to("cuda") is model
    assert [id(p) for p in model.parameters()] == [id(p) for p in params]  # the same objects
    for p, v in zip(model.parameters(), values, strict=True):
        assert isinstance(p, nn.Parameter) and p.requires_grad and p.is_leaf
        np.testing.assert_array_equal(_on_gpu(p), v)
    assert all(p.is_cuda for group in opt.param_groups for p in group["params"])
    model.cpu()
    assert all(type(p._array) is np.ndarray for p in model.parameters())
    model.cuda()
    assert next(model.parameters()).device == ag.device("cuda:0")


def test_module_to_moves_gradients_and_dtype_too() -> None:
    model = nn.Linear(2, 1)
    model(ag.ones(4, 2)).sum().backward()
    grad = model.weight.grad.numpy().copy()
    model.to("cuda", ag.float64)
    assert model.weight.dtype == ag.float64 and model.weight.grad.is_cuda
    np.testing.assert_allclose(_on_gpu(model.weight.grad), grad)
    model.to(ag.ones(1))  # to(tensor): its device and dtype
    assert not model.weight.is_cuda and model.weight.dtype == ag.float32


def test_layers_made_on_the_gpu() -> None:
    layer = nn.Linear(4, 3, device="cuda")
    assert layer.weight.is_cuda and layer.bias.is_cuda
    bound = 1 / math.sqrt(4)
    assert float(layer.weight.abs().max()) <= bound and float(layer.bias.abs().max()) <= bound
    for init in (nn.init.xavier_uniform_, nn.init.xavier_normal_, nn.init.kaiming_normal_,
                 nn.init.zeros_, nn.init.ones_, nn.init.eye_):
        init(layer.weight)
        assert layer.weight.is_cuda
        assert isinstance(layer.weight._array, backend.cuda_module().ndarray)
    nn.init.constant_(layer.bias, 0.5)
    assert layer.bias.tolist() == [0.5, 0.5, 0.5]


def test_a_model_on_the_gpu_refuses_cpu_input_clearly() -> None:
    model = _mlp().cuda()
    with pytest.raises(RuntimeError, match=r"same device.*(cpu and cuda:0|cuda:0 and cpu)"):
        model(ag.ones(5, 3))


# --- every layer, activation and loss: GPU equals CPU ---------------------------------------------

ACTIVATIONS = ["Sigmoid", "Tanh", "ArcTan", "ReLU", "Softplus", "BentIdentity", "Sinusoid",
               "Sinc", "Gaussian", "LeakyReLU", "ELU", "GELU", "SiLU", "Identity", "Flatten"]


def _forward_backward(module: Any, x: np.ndarray, device: str) -> tuple[np.ndarray, np.ndarray]:
    xt = ag.tensor(x, requires_grad=True, device=device)
    out = module(xt)
    u = ag.tensor(np.random.default_rng(1).standard_normal(out.shape), dtype=out.dtype,
                  device=device)
    (out * u).sum().backward()
    if device == "cuda":
        return _on_gpu(out), _on_gpu(xt.grad)
    return out.detach().numpy(), xt.grad.numpy()


@pytest.mark.parametrize("name", ACTIVATIONS + ["Softmax", "LogSoftmax", "GELU_tanh",
                                                "SoftExponential", "Linear", "Sequential"])
def test_layers_on_the_gpu_equal_the_cpu(name: str) -> None:
    x = np.random.default_rng(0).uniform(-2, 2, (4, 3)).astype(np.float32)
    x[np.abs(x) < 0.1] = 0.5  # away from kinks
    makers = {"Softmax": lambda: nn.Softmax(dim=1), "LogSoftmax": lambda: nn.LogSoftmax(dim=0),
              "GELU_tanh": lambda: nn.GELU(approximate="tanh"),
              "SoftExponential": lambda: nn.SoftExponential(0.3),
              "Linear": lambda: nn.Linear(3, 2), "Sequential": lambda: _mlp()}
    ag.manual_seed(0)
    module = makers[name]() if name in makers else getattr(nn, name)()
    out_cpu, grad_cpu = _forward_backward(module, x, "cpu")
    module.cuda()
    out_gpu, grad_gpu = _forward_backward(module, x, "cuda")
    np.testing.assert_allclose(out_gpu, out_cpu, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(grad_gpu, grad_cpu, rtol=1e-6, atol=1e-7)
    for p in module.parameters():
        assert p.grad is None or p.grad.is_cuda


def _loss_inputs(device: str) -> dict[str, ag.Tensor]:
    rng = np.random.default_rng(2)
    logits = rng.standard_normal((5, 4))
    probs = 1 / (1 + np.exp(-rng.standard_normal((5, 4))))
    return {
        "logits": ag.tensor(logits, requires_grad=True, device=device),
        "probs": ag.tensor(probs, requires_grad=True, device=device),
        "real": ag.tensor(rng.standard_normal((5, 4)), device=device),
        "binary": ag.tensor((rng.random((5, 4)) < 0.5) * 1.0, device=device),
        "classes": ag.tensor([0, 3, 1, 3, 2], device=device),
        "ignored": ag.tensor([0, -100, 1, 3, -100], device=device),
        "soft": ag.tensor(np.full((5, 4), 0.25), device=device),
        "weight": ag.tensor([1.0, 2.0, 0.5, 1.0], device=device, dtype=ag.float64),
    }


LOSSES = {
    "mse": lambda t: F.mse_loss(t["logits"], t["real"]),
    "mse sum": lambda t: nn.MSELoss(reduction="sum")(t["logits"], t["real"]),
    "l1": lambda t: F.l1_loss(t["logits"], t["real"], reduction="none").sum(),
    "bce": lambda t: F.binary_cross_entropy(t["probs"], t["binary"]),
    "bce weight": lambda t: nn.BCELoss(weight=t["weight"])(t["probs"], t["binary"]),
    "bce logits": lambda t: F.binary_cross_entropy_with_logits(t["logits"], t["binary"]),
    "bce logits pos_weight": lambda t: nn.BCEWithLogitsLoss(pos_weight=t["weight"])(
        t["logits"], t["binary"]),
    "cross_entropy": lambda t: F.cross_entropy(t["logits"], t["classes"]),
    "cross_entropy weight": lambda t: nn.CrossEntropyLoss(weight=t["weight"])(
        t["logits"], t["classes"]),
    "cross_entropy ignore": lambda t: F.cross_entropy(t["logits"], t["ignored"]),
    "cross_entropy ignore sum": lambda t: F.cross_entropy(t["logits"], t["ignored"],
                                                          reduction="sum"),
    "cross_entropy ignore none": lambda t: (F.cross_entropy(
        t["logits"], t["ignored"], reduction="none") * t["weight"][[0, 1, 2, 3, 1]]).sum(),
    "cross_entropy ignore_index a class": lambda t: F.cross_entropy(t["logits"], t["classes"],
                                                                    ignore_index=3),
    "cross_entropy smoothing": lambda t: F.cross_entropy(t["logits"], t["classes"],
                                                         label_smoothing=0.1),
    "cross_entropy soft targets": lambda t: F.cross_entropy(t["logits"], t["soft"]),
    "nll": lambda t: nn.NLLLoss()(F.log_softmax(t["logits"], dim=1), t["classes"]),
}


@pytest.mark.parametrize("name", list(LOSSES))
def test_losses_on_the_gpu_equal_the_cpu(name: str) -> None:
    results = {}
    for device in ("cpu", "cuda"):
        t = _loss_inputs(device)
        loss = LOSSES[name](t)
        assert loss.device.type == device and loss.ndim == 0
        loss.backward()
        grads = [x.grad for x in (t["logits"], t["probs"]) if x.grad is not None]
        assert all(g.device.type == device for g in grads)
        results[device] = [loss.item()] + [g.cpu().numpy() for g in grads]
    assert results["cuda"][0] == pytest.approx(results["cpu"][0], rel=1e-10)
    for g_gpu, g_cpu in zip(results["cuda"][1:], results["cpu"][1:], strict=True):
        np.testing.assert_allclose(g_gpu, g_cpu, rtol=1e-10, atol=1e-14)


def test_dropout_and_one_hot_on_the_gpu() -> None:
    ag.manual_seed(3)
    cpu = F.dropout(ag.ones(4, 5), p=0.4)
    ag.manual_seed(3)
    x = ag.ones(4, 5, device="cuda", requires_grad=True)
    out = nn.Dropout(0.4)(x)
    np.testing.assert_array_equal(_on_gpu(out), cpu.numpy())  # same seed, same mask
    out.sum().backward()
    np.testing.assert_array_equal(_on_gpu(x.grad), cpu.numpy())
    hot = F.one_hot(ag.tensor([2, 0], device="cuda"), 3)
    assert hot.is_cuda and hot.dtype == ag.int64 and hot.tolist() == [[0, 0, 1], [1, 0, 0]]


# --- checks that do not wait for the GPU ---------------------------------------------------------

@contextlib.contextmanager
def _no_host_reads() -> Iterator[None]:
    """Fails if the block reads GPU data on the host (the fake counts reads; CuPy's own
    detector, deprecated but working in CuPy 14, raises DeviceSynchronized)."""
    if backend.cuda_module() is fake_cuda:
        before = fake_cuda.host_reads
        yield
        assert fake_cuda.host_reads == before, f"{fake_cuda.host_reads - before} host reads"
        return
    import cupyx

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with cupyx.allow_synchronize(False):
            yield


def test_a_bad_target_on_the_gpu_raises_at_the_next_read() -> None:
    x = ag.tensor(np.zeros((3, 4)), device="cuda", requires_grad=True)
    # No error yet: checking the targets now would make the host wait for the GPU.
    loss = F.cross_entropy(x, ag.tensor([0, 4, 1], device="cuda"))
    loss.backward()
    with pytest.raises(IndexError, match=r"Target 4 is out of bounds.*checked on the GPU"):
        loss.item()
    # raised once: the next loss reads fine
    assert F.cross_entropy(x, ag.tensor([0, 3, 1], device="cuda")).item() == \
        pytest.approx(math.log(4))
    probs = ag.tensor([0.5, 1.5], device="cuda")
    bce = F.binary_cross_entropy(probs, ag.tensor([0.0, 1.0], device="cuda"))
    with pytest.raises(RuntimeError, match="between 0 and 1.*checked on the GPU"):
        print(bce)


def test_out_of_range_indices_on_the_gpu_raise_at_the_next_read() -> None:
    """CuPy wraps an out-of-range index around where numpy raises: the engine checks them
    on the device, and reading anything back raises PyTorch's message."""
    x = ag.arange(6.0, device="cuda").reshape(2, 3)

    def index(*values: int) -> ag.Tensor:
        return ag.tensor(list(values), device="cuda")

    cases = [
        (lambda: x[index(0, 3)], r"index 3 is out of bounds for dimension 0 with size 2"),
        (lambda: x[:, index(-4)], r"index -4 is out of bounds for dimension 1 with size 3"),
        (lambda: x[..., [1, 3]], r"index 3 is out of bounds for dimension 1 with size 3"),
        (lambda: x[None, 1, index(5)], r"index 5 is out of bounds for dimension 1 with size 3"),
        (lambda: x.gather(1, ag.tensor([[0], [3]], device="cuda")), r"gather\(\): index 3"),
        (lambda: x.index_select(0, index(2)), r"index_select\(\): index 2"),
    ]
    for make, message in cases:
        out = make()  # no error yet: checking now would make the host wait for the GPU
        with pytest.raises((IndexError, RuntimeError), match=message):
            out.cpu()
    y = x.clone()
    y[index(0, 2)] = 1.0
    with pytest.raises(IndexError, match="index 2 is out of bounds for dimension 0"):
        y.tolist()
    assert x[index(-1, 0)].tolist() == [[3.0, 4.0, 5.0], [0.0, 1.0, 2.0]]  # negatives count back


def test_prod_backward_on_the_gpu_does_not_wait_for_it() -> None:
    x = ag.tensor([[1.0, 0.0, 3.0], [2.0, 4.0, 5.0], [0.0, 0.0, 7.0]], device="cuda",
                  requires_grad=True)
    with _no_host_reads():
        x.prod(dim=1).sum().backward()
    np.testing.assert_array_equal(x.grad.cpu().numpy(), [[0, 3, 0], [20, 10, 8], [0, 0, 0]])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_with_ignored_targets_on_the_gpu_is_fused_and_twice_differentiable(
        reduction: str) -> None:
    rng = np.random.default_rng(0)
    x = ag.tensor(rng.standard_normal((5, 4)), device="cuda", requires_grad=True)
    y = ag.tensor([0, -100, 1, 3, -100], device="cuda")

    def loss(x: ag.Tensor) -> ag.Tensor:
        return F.cross_entropy(x, y, reduction=reduction)

    assert loss(x).grad_fn.name() == "NllLossBackward0"  # masked on the device
    assert ag.gradcheck(loss, (x,)) and ag.gradgradcheck(loss, (x,))


def test_gpu_checks_wait_in_a_bounded_queue() -> None:
    x = ag.tensor(np.zeros((2, 3)), device="cuda")
    y = ag.tensor([0, 2], device="cuda")
    for _ in range(100):  # never read: the queue is read and emptied every 16 checks
        F.cross_entropy(x, y)
        assert len(backend._deferred) < backend._MAX_DEFERRED
    F.cross_entropy(x, ag.tensor([0, 7], device="cuda"))
    with pytest.raises(IndexError, match="Target 7"):
        for _ in range(backend._MAX_DEFERRED):
            F.cross_entropy(x, y)


# --- a whole training loop ------------------------------------------------------------------------

def _train(device: str, make_optimizer: Any, steps: int = 5) -> tuple[list[float], Any]:
    model = _mlp(seed=11).to(device)
    opt = make_optimizer(model.parameters())
    rng = np.random.default_rng(5)
    data = ag.data.TensorDataset(ag.tensor(rng.standard_normal((32, 3))).float(),
                                 ag.tensor(rng.integers(0, 2, 32)))
    ag.manual_seed(0)
    loader = ag.data.DataLoader(data, batch_size=8, shuffle=True)
    losses = []
    for _ in range(steps):
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
    return losses, model


@pytest.mark.parametrize("name, make", [
    ("SGD", lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9)),
    ("Adam", lambda ps: optim.Adam(ps, lr=0.01)),
    ("RMSprop", lambda ps: optim.RMSprop(ps, lr=0.01)),
])
def test_training_on_the_gpu_follows_the_cpu(name: str, make: Any) -> None:
    losses_cpu, model_cpu = _train("cpu", make)
    losses_gpu, model_gpu = _train("cuda", make)
    np.testing.assert_allclose(losses_gpu, losses_cpu, rtol=1e-5)
    assert losses_gpu[-1] < losses_gpu[0]
    for p_gpu, p_cpu in zip(model_gpu.parameters(), model_cpu.parameters(), strict=True):
        np.testing.assert_allclose(_on_gpu(p_gpu), p_cpu.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("loss_fn", [nn.CrossEntropyLoss(), nn.CrossEntropyLoss(ignore_index=1),
                                     nn.CrossEntropyLoss(label_smoothing=0.1), nn.MSELoss()],
                         ids=["cross_entropy", "ignore_index", "label_smoothing", "mse"])
def test_a_training_step_on_the_gpu_never_waits_for_it(loss_fn: Any) -> None:
    """Each read of GPU data by the host waits for the GPU to finish its queue, which stops
    the host from queueing the next kernels meanwhile: a training step makes no such read."""
    model = _mlp().to("cuda")
    opt = optim.Adam(model.parameters(), lr=0.01)
    x = ag.randn(8, 3, device="cuda")
    y = ag.tensor([0, 1, 1, 0, 1, 0, 0, 1], device="cuda")
    if isinstance(loss_fn, nn.MSELoss):
        y = F.one_hot(y, 2).float()
    with _no_host_reads():
        for _ in range(3):
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
    assert math.isfinite(loss.item())  # reading it, when asked, is the one wait


def test_lr_scheduler_with_a_gpu_model() -> None:
    model = _mlp().cuda()
    opt = optim.SGD(model.parameters(), lr=0.1)
    sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    F.mse_loss(model(ag.ones(2, 3, device="cuda")), ag.zeros(2, 2, device="cuda")).backward()
    opt.step()
    sched.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(0.05)
    assert all(p.is_cuda for p in model.parameters())


def test_checkpoint_a_gpu_model_and_load_it_on_the_cpu() -> None:
    model = _mlp(seed=4).cuda()
    opt = optim.Adam(model.parameters(), lr=0.01)
    F.mse_loss(model(ag.ones(2, 3, device="cuda")), ag.zeros(2, 2, device="cuda")).backward()
    opt.step()
    f = io.BytesIO()
    ag.save({"model": model.state_dict(), "opt": opt.state_dict()}, f)
    f.seek(0)
    checkpoint = ag.load(f, map_location="cpu")
    cpu_model = _mlp(seed=99)
    cpu_model.load_state_dict(checkpoint["model"])
    x = ag.tensor(np.random.default_rng(0).standard_normal((3, 3))).float()
    np.testing.assert_allclose(cpu_model(x).detach().numpy(), _on_gpu(model(x.cuda())),
                               rtol=1e-6)
    cpu_opt = optim.Adam(cpu_model.parameters(), lr=0.01)
    cpu_opt.load_state_dict(checkpoint["opt"])
    assert all(not v.is_cuda for s in cpu_opt.state.values() for v in s.values()
               if isinstance(v, ag.Tensor))
    # and the other way: a CPU state_dict into a GPU model
    gpu_model = _mlp(seed=98).cuda()
    gpu_model.load_state_dict(cpu_model.state_dict())
    assert all(p.is_cuda for p in gpu_model.parameters())
    np.testing.assert_allclose(_on_gpu(gpu_model(x.cuda())), cpu_model(x).detach().numpy(),
                               rtol=1e-6)


def test_a_dataset_kept_on_the_gpu_gives_gpu_batches() -> None:
    ag.manual_seed(0)
    data = ag.data.TensorDataset(ag.randn(10, 3, device="cuda"),
                                 ag.randint(0, 2, (10,), device="cuda"))
    train, _ = ag.data.random_split(data, [7, 3])
    sizes = []
    for x, y in ag.data.DataLoader(train, batch_size=3, shuffle=True):
        assert x.is_cuda and y.is_cuda and y.dtype == ag.int64
        sizes.append(len(x))
    assert sizes == [3, 3, 1]


def test_the_readme_training_loop_runs_on_the_gpu() -> None:
    """The issue's bar: the README's training example runs with device='cuda'."""
    import contextlib
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    block = next(b for b in re.findall(r"```python\n(.*?)```", readme, re.S)
                 if "opt.step()" in b and "device" in b)
    namespace: dict = {"__name__": "__readme__"}
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        exec(compile(block, "README.md", "exec"), namespace)
    assert namespace["device"] == "cuda" and "device='cuda:0'" in printed.getvalue()
    model, X = namespace["model"], namespace["X"]
    assert all(p.is_cuda for p in model.parameters()) and X.is_cuda
    np.testing.assert_array_equal(_on_gpu(model(X)).round(), [[0], [1], [1], [0]])


# --- the nn helper's activation table, on the GPU ----------------------------------------------

from test_nn_activations import POINTS, TABLE  # noqa: E402


@pytest.mark.parametrize("name", sorted(TABLE))
def test_activation_table_on_the_gpu(name: str) -> None:
    """f(x) and f'(x) of the course's table, computed on the GPU, against the formulas."""
    fn, f, df, module = TABLE[name]
    x = ag.tensor(POINTS, dtype=ag.float64, requires_grad=True, device="cuda")
    y = fn(x)
    np.testing.assert_allclose(_on_gpu(y), f(POINTS), rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(_on_gpu(module.cuda()(x)), _on_gpu(y))
    if y is x:  # the identity
        return
    if y.requires_grad:
        (g,) = ag.grad(y.sum(), x, create_graph=True)
        np.testing.assert_allclose(_on_gpu(g), df(POINTS), rtol=1e-10, atol=1e-14)
        if g.requires_grad:  # second derivatives run the backward rules on GPU tensors
            g.sum().backward()
            assert x.grad.is_cuda and x.grad.shape == x.shape
