"""Adadelta, Adamax, NAdam, RAdam: against their documented algorithm and against torch.optim.

- a first step worked out by hand;
- 25 steps on two parameter groups with their own options, against a plain numpy
  transcription of PyTorch's algorithm boxes (no torch needed);
- 25 steps against torch.optim itself, in float64 and float32;
- state_dict keys and values, defaults, option checks, save/resume.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd as ag
import optim

START = [
    np.array([[0.5, -1.2, 0.3], [2.0, 0.1, -0.7]]),
    np.array([0.25, -0.4, 1.5]),
    np.array([-0.3, 0.8]),
]


def grad_of(theta: np.ndarray, t: int) -> np.ndarray:
    """A gradient that depends on the weights and the step, like a real loss's would."""
    return np.sin(3.0 * theta) + 0.5 * theta + 0.1 * np.cos(t + np.arange(theta.size)).reshape(
        theta.shape)


def groups_of(params: list, options: dict, second: dict) -> list[dict]:
    """Two parameter groups: the first with the defaults given, the second with its own options."""
    return [{"params": params[:2]}, {"params": params[2:], **second}]


# --- a plain numpy transcription of PyTorch's algorithm boxes -------------------------------


def reference(name: str, options: dict, steps: int, theta0: np.ndarray) -> np.ndarray:
    """The documented update for one parameter, written out without cleverness."""
    theta = theta0.copy()
    defaults = {"Adadelta": 1.0, "Adamax": 2e-3, "NAdam": 2e-3, "RAdam": 1e-3}
    lr = options.get("lr", defaults[name])
    wd = options.get("weight_decay", 0.0)
    eps = options.get("eps", 1e-6 if name == "Adadelta" else 1e-8)
    beta1, beta2 = options.get("betas", (0.9, 0.999))
    decoupled = options.get("decoupled_weight_decay", False)
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    u = np.zeros_like(theta)
    mu_product = 1.0
    for t in range(1, steps + 1):
        g = grad_of(theta, t - 1)
        if options.get("maximize", False):
            g = -g
        if decoupled:
            theta = theta * (1 - lr * wd)
        else:
            g = g + wd * theta
        if name == "Adadelta":
            rho = options.get("rho", 0.9)
            v = rho * v + (1 - rho) * g * g
            delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
            u = rho * u + (1 - rho) * delta * delta
            theta = theta - lr * delta
        elif name == "Adamax":
            m = beta1 * m + (1 - beta1) * g
            u = np.maximum(beta2 * u, np.abs(g) + eps)
            theta = theta - lr * m / ((1 - beta1**t) * u)
        elif name == "NAdam":
            psi = options.get("momentum_decay", 4e-3)
            mu = beta1 * (1 - 0.5 * 0.96 ** (t * psi))
            mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
            mu_product = mu_product * mu
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            v_hat = v / (1 - beta2**t)
            theta = theta - lr * (1 - mu) / (1 - mu_product) * g / (np.sqrt(v_hat) + eps) \
                - lr * mu_next / (1 - mu_product * mu_next) * m / (np.sqrt(v_hat) + eps)
        else:  # RAdam
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            m_hat = m / (1 - beta1**t)
            rho_inf = 2 / (1 - beta2) - 1
            rho_t = rho_inf - 2 * t * beta2**t / (1 - beta2**t)
            if rho_t > 5:
                l_t = math.sqrt(1 - beta2**t) / (np.sqrt(v) + eps)
                r_t = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                                / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
                theta = theta - lr * m_hat * l_t * r_t
            else:
                theta = theta - lr * m_hat
    return theta


CASES = [
    ("Adadelta", {}, {"lr": 0.5}),
    ("Adadelta", {"rho": 0.8, "eps": 1e-4}, {"weight_decay": 0.1}),
    ("Adadelta", {"lr": 2.0, "weight_decay": 0.05, "maximize": True}, {"rho": 0.5}),
    ("Adamax", {}, {"lr": 0.01}),
    ("Adamax", {"lr": 0.05, "betas": (0.8, 0.99)}, {"eps": 1e-3}),
    ("Adamax", {"lr": 0.05, "weight_decay": 0.1, "maximize": True}, {"betas": (0.5, 0.9)}),
    ("NAdam", {}, {"lr": 0.01}),
    ("NAdam", {"lr": 0.05, "momentum_decay": 0.05}, {"betas": (0.8, 0.99)}),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.1}, {"eps": 1e-3}),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True},
     {"maximize": True}),
    ("RAdam", {}, {"lr": 0.01}),
    ("RAdam", {"lr": 0.05, "betas": (0.8, 0.9)}, {"eps": 1e-3}),  # rho_t > 5 from step 4
    ("RAdam", {"lr": 0.05, "betas": (0.9, 0.99), "weight_decay": 0.1}, {"maximize": True}),
    ("RAdam", {"lr": 0.05, "betas": (0.7, 0.9), "weight_decay": 0.1,
               "decoupled_weight_decay": True}, {"lr": 0.2}),
]


def case_id(case):
    name, options, second = case
    return name + "-" + ",".join(f"{k}={v}" for k, v in {**options, **second}.items())


def run_ours(name, options, second, steps, dtype=ag.float64, skip_at=None):
    params = [ag.tensor(w, dtype=dtype, requires_grad=True) for w in START]
    opt = getattr(optim, name)(groups_of(params, options, second), **options)
    for t in range(steps):
        for i, p in enumerate(params):
            if skip_at is not None and i == 1 and t == skip_at:
                p.grad = None  # no gradient this step: the parameter and its state stay
                continue
            p.grad = ag.tensor(grad_of(p._array.astype(np.float64), t), dtype=dtype)
        opt.step()
    return [p._array.copy() for p in params], opt


def run_torch(torch, name, options, second, steps, dtype, skip_at=None):
    params = [torch.tensor(w, dtype=dtype, requires_grad=True) for w in START]
    opt = getattr(torch.optim, name)(groups_of(params, options, second), **options)
    for t in range(steps):
        for i, p in enumerate(params):
            if skip_at is not None and i == 1 and t == skip_at:
                p.grad = None
                continue
            p.grad = torch.tensor(grad_of(p.detach().double().numpy(), t), dtype=dtype)
        opt.step()
    return [p.detach().numpy().copy() for p in params], opt


# --- 1. first steps by hand -----------------------------------------------------------------


def step_once(opt_cls, w, g, **options):
    p = ag.tensor([w], dtype=ag.float64, requires_grad=True)
    opt = opt_cls([p], **options)
    p.grad = ag.tensor([g], dtype=ag.float64)
    opt.step()
    return p.item(), opt.state[p]


def test_adadelta_first_step_by_hand():
    # v1 = 0.1 * 4 = 0.4; Delx = sqrt(0 + 1e-6) / sqrt(0.4 + 1e-6) * 2; w1 = 1 - Delx
    w, state = step_once(optim.Adadelta, 1.0, 2.0)
    delta = math.sqrt(1e-6) / math.sqrt(0.4 + 1e-6) * 2.0
    assert w == pytest.approx(1.0 - delta, rel=1e-15)
    assert state["square_avg"].item() == pytest.approx(0.4)
    assert state["acc_delta"].item() == pytest.approx(0.1 * delta**2)


def test_adamax_first_step_by_hand():
    # m1 = 0.1 * 2 = 0.2, u1 = max(0, 2 + eps); w1 = 1 - 0.002 / 0.1 * 0.2 / (2 + eps) = 0.998
    w, state = step_once(optim.Adamax, 1.0, 2.0, eps=0.0)
    assert w == pytest.approx(0.998, rel=1e-15)
    assert state["exp_inf"].item() == 2.0 and state["step"] == 1


def test_nadam_first_step_by_hand():
    # mu1 = 0.9 (1 - 0.5 * 0.96^0.004), P1 = mu1; v^ = g^2, so g / d = sign(g) = 1
    w, state = step_once(optim.NAdam, 1.0, 2.0, eps=0.0)
    mu1 = 0.9 * (1 - 0.5 * 0.96**0.004)
    mu2 = 0.9 * (1 - 0.5 * 0.96**0.008)
    expected = 1.0 - 2e-3 * (1 - mu1) / (1 - mu1) - 2e-3 * mu2 / (1 - mu1 * mu2) * 0.2 / 2.0
    assert w == pytest.approx(expected, rel=1e-15)
    assert state["mu_product"] == pytest.approx(mu1, rel=1e-15)


def test_radam_takes_plain_momentum_steps_while_rho_is_small():
    # beta2 = 0.999: rho_t <= 5 for the first steps, so theta_t = theta_{t-1} - lr * m^_t
    p = ag.tensor([1.0], dtype=ag.float64, requires_grad=True)
    opt = optim.RAdam([p], lr=0.1)
    p.grad = ag.tensor([2.0], dtype=ag.float64)
    opt.step()
    assert p.item() == pytest.approx(1.0 - 0.1 * 2.0, rel=1e-15)  # m^_1 = g_1
    p.grad = ag.tensor([1.0], dtype=ag.float64)
    opt.step()
    m2 = 0.9 * 0.2 + 0.1 * 1.0
    assert p.item() == pytest.approx(0.8 - 0.1 * m2 / (1 - 0.81), rel=1e-15)


# --- 2. many steps, several groups: the documented formula -------------------------------------


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_25_steps_follow_the_documented_algorithm(case):
    name, options, second = case
    ours, _ = run_ours(name, options, second, steps=25)
    merged = {**options, **second}
    for i, (w, theta0) in enumerate(zip(ours, START)):
        expected = reference(name, merged if i == 2 else options, 25, theta0)
        np.testing.assert_allclose(w, expected, rtol=1e-12, atol=1e-14)
        assert not np.allclose(w, theta0)  # the parameter did move


# --- 3. against torch.optim ------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_25_steps_match_pytorch_float64(case):
    torch = pytest.importorskip("torch")
    name, options, second = case
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # NAdam keeps its mu_product in this dtype
    try:
        theirs, _ = run_torch(torch, name, options, second, 25, torch.float64, skip_at=7)
    finally:
        torch.set_default_dtype(previous)
    ours, _ = run_ours(name, options, second, 25, skip_at=7)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_25_steps_match_pytorch_float32(case):
    torch = pytest.importorskip("torch")
    name, options, second = case
    theirs, _ = run_torch(torch, name, options, second, 25, torch.float32)
    ours, _ = run_ours(name, options, second, 25, dtype=ag.float32)
    for a, b in zip(ours, theirs):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-6)


def test_state_dict_matches_pytorch():
    torch = pytest.importorskip("torch")
    torch_default = torch.get_default_dtype()
    for name, options, second in CASES:
        _, ours = run_ours(name, options, second, steps=3)
        torch.set_default_dtype(torch.float64)
        try:
            _, theirs = run_torch(torch, name, options, second, 3, torch.float64)
        finally:
            torch.set_default_dtype(torch_default)
        ours_sd, theirs_sd = ours.state_dict(), theirs.state_dict()
        assert ours_sd["state"].keys() == theirs_sd["state"].keys()
        for index, state in theirs_sd["state"].items():
            assert set(ours_sd["state"][index]) == set(state), name
            for key, value in state.items():
                mine = ours_sd["state"][index][key]
                if value.ndim == 0:  # step, mu_product: tensors in torch, numbers here
                    assert mine == pytest.approx(float(value), rel=1e-15), (name, key)
                else:
                    np.testing.assert_allclose(mine._array, value.numpy(), rtol=1e-13,
                                               atol=1e-15)
        assert [g["params"] for g in ours_sd["param_groups"]] == \
            [g["params"] for g in theirs_sd["param_groups"]]
        for ours_group, theirs_group in zip(ours_sd["param_groups"], theirs_sd["param_groups"]):
            for key, value in ours_group.items():
                assert theirs_group[key] == value, (name, key)


def test_defaults_match_pytorch():
    torch = pytest.importorskip("torch")
    for name in ("Adadelta", "Adamax", "NAdam", "RAdam"):
        ours = getattr(optim, name)([ag.zeros(2, requires_grad=True)]).param_groups[0]
        theirs = getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)]).param_groups[0]
        for key, value in ours.items():
            if key != "params":
                assert theirs[key] == value, (name, key)


def test_defaults_without_torch():
    p = [ag.zeros(2, requires_grad=True)]
    group = optim.Adadelta(p).param_groups[0]
    assert (group["lr"], group["rho"], group["eps"], group["weight_decay"]) == (1.0, 0.9, 1e-6, 0)
    group = optim.Adamax(p).param_groups[0]
    assert (group["lr"], group["betas"], group["eps"]) == (2e-3, (0.9, 0.999), 1e-8)
    group = optim.NAdam(p).param_groups[0]
    assert (group["lr"], group["momentum_decay"], group["decoupled_weight_decay"]) == \
        (2e-3, 4e-3, False)
    group = optim.RAdam(p).param_groups[0]
    assert (group["lr"], group["betas"], group["decoupled_weight_decay"]) == \
        (1e-3, (0.9, 0.999), False)


@pytest.mark.parametrize("make, message", [
    (lambda p: optim.Adadelta(p, lr=-1.0), "learning rate"),
    (lambda p: optim.Adadelta(p, rho=1.5), "rho"),
    (lambda p: optim.Adadelta(p, eps=-1e-6), "epsilon"),
    (lambda p: optim.Adamax(p, betas=(1.0, 0.9)), "beta parameter at index 0"),
    (lambda p: optim.Adamax(p, weight_decay=-0.1), "weight_decay"),
    (lambda p: optim.NAdam(p, momentum_decay=-1.0), "momentum_decay"),
    (lambda p: optim.NAdam(p, betas=(0.9, 1.0)), "beta parameter at index 1"),
    (lambda p: optim.RAdam(p, eps=-1.0), "epsilon"),
])
def test_bad_options_raise(make, message):
    with pytest.raises(ValueError, match=message):
        make([ag.zeros(2, requires_grad=True)])


@pytest.mark.parametrize("case", CASES[::3], ids=case_id)
def test_save_and_resume_continues_exactly(case, tmp_path):
    name, options, second = case
    straight, _ = run_ours(name, options, second, steps=12)

    params = [ag.tensor(w, dtype=ag.float64, requires_grad=True) for w in START]
    opt = getattr(optim, name)(groups_of(params, options, second), **options)
    for t in range(6):
        for p in params:
            p.grad = ag.tensor(grad_of(p._array, t), dtype=ag.float64)
        opt.step()
    ag.save({"params": [p.detach() for p in params], "opt": opt.state_dict()},
            tmp_path / "ckpt.npz")

    saved = ag.load(tmp_path / "ckpt.npz")
    params2 = [p.requires_grad_(True) for p in saved["params"]]
    opt2 = getattr(optim, name)(groups_of(params2, options, second), **options)
    opt2.load_state_dict(saved["opt"])
    for t in range(6, 12):
        for p in params2:
            p.grad = ag.tensor(grad_of(p._array, t), dtype=ag.float64)
        opt2.step()
    for a, b in zip(straight, params2):
        np.testing.assert_array_equal(a, b._array)


def test_trains_a_model_through_the_engine():
    import nn

    ag.manual_seed(0)
    x = ag.randn(64, 3)
    y = x @ ag.tensor([[1.0], [-2.0], [0.5]]) + 0.3
    for name, lr in (("Adadelta", 20.0), ("Adamax", 0.05), ("NAdam", 0.05), ("RAdam", 0.1)):
        ag.manual_seed(1)
        model = nn.Linear(3, 1)
        opt = getattr(optim, name)(model.parameters(), lr=lr)
        first = None
        for _ in range(150):
            opt.zero_grad()
            loss = nn.functional.mse_loss(model(x), y)
            loss.backward()
            opt.step()
            first = loss.item() if first is None else first
        assert loss.item() < 0.1 * first, name


@pytest.mark.parametrize("case", CASES[::2], ids=case_id)
def test_on_the_gpu_the_update_equals_the_cpu_and_never_waits(case):
    import fake_cuda

    name, options, second = case
    cpu, _ = run_ours(name, options, second, steps=10)
    with fake_cuda.installed():
        params = [ag.tensor(w, dtype=ag.float64, device="cuda", requires_grad=True)
                  for w in START]
        opt = getattr(optim, name)(groups_of(params, options, second), **options)
        for t in range(10):
            for p in params:
                p.grad = ag.tensor(grad_of(p._array.get(), t), dtype=ag.float64, device="cuda")
            before = fake_cuda.host_reads
            opt.step()
            assert fake_cuda.host_reads == before  # no read of GPU data by the host
        for p, w in zip(params, cpu):
            assert p.device.type == "cuda"
            np.testing.assert_allclose(p._array.get(), w, rtol=1e-13, atol=1e-15)
