"""Optimizers: every update rule against its documented algorithm, and against PyTorch.

Three levels of checks:
- a first step worked out by hand (numbers you can verify on paper);
- several steps against a plain numpy transcription of the algorithm box of
  PyTorch's documentation (no torch needed);
- 25 steps against torch.optim itself in float64, for every option
  combination that changes the arithmetic (skipped where torch is missing).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import optim

# --- a deterministic "loss surface": the gradient is a function of the weights --------------


def grad_of(theta: np.ndarray, t: int) -> np.ndarray:
    """A gradient that depends on the weights and the step, like a real loss's would."""
    return np.sin(3.0 * theta) + 0.5 * theta + 0.1 * np.cos(t + np.arange(theta.size)).reshape(
        theta.shape)


START = [
    np.array([[0.5, -1.2, 0.3], [2.0, 0.1, -0.7]]),
    np.array([0.25, -0.4, 1.5]),
]


def run_ours(make_opt, steps: int, dtype=ag.float64, skip_second_at: int | None = None):
    params = [ag.tensor(w, dtype=dtype, requires_grad=True) for w in START]
    opt = make_opt(params)
    for t in range(steps):
        for i, p in enumerate(params):
            if skip_second_at is not None and i == 1 and t == skip_second_at:
                p.grad = None  # a parameter that got no gradient this step is left alone
                continue
            p.grad = ag.tensor(grad_of(p._array, t), dtype=dtype)
        opt.step()
    return [p._array.copy() for p in params], opt


# --- a plain numpy transcription of PyTorch's algorithm boxes -------------------------------


def reference(name: str, options: dict, steps: int) -> list[np.ndarray]:
    """The documented update, written out for one parameter at a time, no cleverness."""
    results = []
    for theta0 in START:
        theta = theta0.copy()
        lr = options.get("lr", {"SGD": 1e-3, "Adagrad": 1e-2, "RMSprop": 1e-2}.get(name, 1e-3))
        wd = options.get("weight_decay", 1e-2 if name == "AdamW" else 0.0)
        maximize = options.get("maximize", False)
        b = m = v = v_max = g_ave = None
        state_sum = np.full_like(theta, options.get("initial_accumulator_value", 0.0))
        for t in range(1, steps + 1):
            g = grad_of(theta, t - 1)
            if maximize:
                g = -g
            if name == "SGD":
                mu, tau = options.get("momentum", 0.0), options.get("dampening", 0.0)
                g = g + wd * theta
                if mu != 0:
                    b = g.copy() if t == 1 else mu * b + (1 - tau) * g
                    g = g + mu * b if options.get("nesterov", False) else b
                theta = theta - lr * g
            elif name == "Adagrad":
                g = g + wd * theta
                clr = lr / (1 + (t - 1) * options.get("lr_decay", 0.0))
                state_sum = state_sum + g * g
                theta = theta - clr * g / (np.sqrt(state_sum) + options.get("eps", 1e-10))
            elif name == "RMSprop":
                alpha, eps = options.get("alpha", 0.99), options.get("eps", 1e-8)
                mu = options.get("momentum", 0.0)
                g = g + wd * theta
                v = (1 - alpha) * g * g if v is None else alpha * v + (1 - alpha) * g * g
                v_tilde = v
                if options.get("centered", False):
                    g_ave = (1 - alpha) * g if g_ave is None else alpha * g_ave + (1 - alpha) * g
                    v_tilde = v - g_ave**2
                if mu > 0:
                    step = g / (np.sqrt(v_tilde) + eps)
                    b = step if b is None else mu * b + step
                    theta = theta - lr * b
                else:
                    theta = theta - lr * g / (np.sqrt(v_tilde) + eps)
            else:  # Adam, AdamW
                beta1, beta2 = options.get("betas", (0.9, 0.999))
                eps = options.get("eps", 1e-8)
                if name == "AdamW":
                    theta = theta * (1 - lr * wd)
                else:
                    g = g + wd * theta
                m = (1 - beta1) * g if m is None else beta1 * m + (1 - beta1) * g
                v = (1 - beta2) * g * g if v is None else beta2 * v + (1 - beta2) * g * g
                m_hat = m / (1 - beta1**t)
                if options.get("amsgrad", False):
                    v_max = v.copy() if v_max is None else np.maximum(v_max, v)
                    v_hat = v_max / (1 - beta2**t)
                else:
                    v_hat = v / (1 - beta2**t)
                theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        results.append(theta)
    return results


CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.05, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.5, "nesterov": True, "weight_decay": 0.2}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.1, "weight_decay": 0.05,
             "maximize": True}),
    ("Adagrad", {}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05}),
    ("Adagrad", {"lr": 0.1, "weight_decay": 0.1, "initial_accumulator_value": 0.5}),
    ("Adagrad", {"lr": 0.1, "eps": 1e-3, "maximize": True}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "eps": 1e-3, "maximize": True}),
    ("Adam", {}),
    ("Adam", {"lr": 0.05, "betas": (0.8, 0.99)}),
    ("Adam", {"lr": 0.05, "amsgrad": True}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True, "eps": 1e-3}),
    ("Adam", {"lr": 0.05, "maximize": True}),
    ("AdamW", {}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True}),
    ("AdamW", {"lr": 0.05, "betas": (0.5, 0.9), "maximize": True}),
]


def case_id(case):
    name, options = case
    return name + "-" + ",".join(f"{k}={v}" for k, v in options.items())


# --- 1. hand-computed first steps -------------------------------------------------------------


def one_step(opt_cls, w: float, g: float, **options) -> float:
    p = ag.tensor([w], dtype=ag.float64, requires_grad=True)
    opt = opt_cls([p], **options)
    p.grad = ag.tensor([g], dtype=ag.float64)
    opt.step()
    return p.item()


def test_sgd_first_step_by_hand():
    # w <- w - lr * dL/dw: 1.0 - 0.1 * 2.0 = 0.8
    assert one_step(optim.SGD, 1.0, 2.0, lr=0.1) == pytest.approx(0.8, abs=1e-15)
    # weight decay adds lambda * w to the gradient: 1.0 - 0.1 * (2.0 + 0.5 * 1.0) = 0.75
    assert one_step(optim.SGD, 1.0, 2.0, lr=0.1, weight_decay=0.5) == pytest.approx(0.75)
    # maximize climbs: 1.0 + 0.1 * 2.0
    assert one_step(optim.SGD, 1.0, 2.0, lr=0.1, maximize=True) == pytest.approx(1.2)


def test_sgd_momentum_two_steps_by_hand():
    # b1 = g1 = 2, w1 = 1 - 0.1*2 = 0.8;  b2 = 0.9*2 + 1 = 2.8, w2 = 0.8 - 0.28 = 0.52
    p = ag.tensor([1.0], dtype=ag.float64, requires_grad=True)
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    for g, expected in [(2.0, 0.8), (1.0, 0.52)]:
        p.grad = ag.tensor([g], dtype=ag.float64)
        opt.step()
        assert p.item() == pytest.approx(expected, abs=1e-15)
    assert opt.state[p]["momentum_buffer"].item() == pytest.approx(2.8)


def test_nesterov_two_steps_by_hand():
    # b1 = 2, step g + mu b = 2 + 1.8 = 3.8 -> w1 = 1 - 0.38 = 0.62
    # b2 = 0.9*2 + 1 = 2.8, step 1 + 2.52 = 3.52 -> w2 = 0.62 - 0.352 = 0.268
    p = ag.tensor([1.0], dtype=ag.float64, requires_grad=True)
    opt = optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True)
    for g, expected in [(2.0, 0.62), (1.0, 0.268)]:
        p.grad = ag.tensor([g], dtype=ag.float64)
        opt.step()
        assert p.item() == pytest.approx(expected, abs=1e-15)


def test_adagrad_first_steps_by_hand():
    # s1 = 4, w1 = 1 - 0.1 * 2 / 2 = 0.9; s2 = 4 + 9 = 13, w2 = 0.9 - 0.1 * 3 / sqrt(13)
    p = ag.tensor([1.0], dtype=ag.float64, requires_grad=True)
    opt = optim.Adagrad([p], lr=0.1, eps=0.0)
    for g, expected in [(2.0, 0.9), (3.0, 0.9 - 0.3 / math.sqrt(13))]:
        p.grad = ag.tensor([g], dtype=ag.float64)
        opt.step()
        assert p.item() == pytest.approx(expected, abs=1e-15)
    assert opt.state[p]["sum"].item() == 13.0
    # lr_decay: the second step uses lr / (1 + 1 * 0.5)
    p = ag.tensor([1.0], dtype=ag.float64, requires_grad=True)
    opt = optim.Adagrad([p], lr=0.1, lr_decay=0.5, eps=0.0)
    for g in (2.0, 3.0):
        p.grad = ag.tensor([g], dtype=ag.float64)
        opt.step()
    assert p.item() == pytest.approx(0.9 - (0.1 / 1.5) * 3 / math.sqrt(13), abs=1e-15)


def test_rmsprop_first_step_by_hand():
    # v1 = 0.01 * g^2 -> sqrt(v1) = 0.1 |g|; w1 = w - lr * g / (0.1 |g|) = w - 10 lr sign(g)
    assert one_step(optim.RMSprop, 1.0, 2.0, lr=0.01, eps=0.0) == pytest.approx(0.9, abs=1e-14)
    # centered: g_ave = 0.01 g, v~ = 0.01 g^2 - 1e-4 g^2 = 0.0099 g^2
    w = one_step(optim.RMSprop, 1.0, 2.0, lr=0.01, eps=0.0, centered=True)
    assert w == pytest.approx(1.0 - 0.01 / math.sqrt(0.0099), abs=1e-14)


def test_adam_first_step_is_lr_times_sign():
    # m^1 = g, v^1 = g^2 after bias correction: the first step is lr * g / (|g| + eps)
    for g in (2.0, -0.003, 50.0):
        w = one_step(optim.Adam, 1.0, g, lr=0.1, eps=0.0)
        assert w == pytest.approx(1.0 - 0.1 * math.copysign(1.0, g), abs=1e-14)


def test_adamw_decays_the_weights_directly():
    # w <- w (1 - lr lambda) then the Adam step: 1 * (1 - 0.1 * 0.5) - 0.1 = 0.85
    w = one_step(optim.AdamW, 1.0, 2.0, lr=0.1, weight_decay=0.5, eps=0.0)
    assert w == pytest.approx(0.85, abs=1e-14)
    # Adam's weight_decay goes into the gradient instead: g = 2 + 0.5, same sign, step 0.1
    assert one_step(optim.Adam, 1.0, 2.0, lr=0.1, weight_decay=0.5, eps=0.0) == \
        pytest.approx(0.9, abs=1e-14)


# --- 2. several steps against the algorithm box in numpy -------------------------------------


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_matches_the_documented_algorithm(case):
    name, options = case
    ours, _ = run_ours(lambda ps: getattr(optim, name)(ps, **options), steps=6)
    for got, want in zip(ours, reference(name, options, steps=6), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13)


@given(lr=st.floats(1e-3, 0.5), momentum=st.floats(0.0, 0.99), dampening=st.floats(0.0, 0.9),
       nesterov=st.booleans(), weight_decay=st.sampled_from([0.0, 1e-4, 0.1]))
def test_sgd_matches_the_algorithm_for_any_options(lr, momentum, dampening, nesterov,
                                                   weight_decay):
    if nesterov:
        momentum, dampening = max(momentum, 0.1), 0.0
    options = dict(lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov,
                   weight_decay=weight_decay)
    ours, _ = run_ours(lambda ps: optim.SGD(ps, **options), steps=5)
    for got, want in zip(ours, reference("SGD", options, steps=5), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13)


@given(lr=st.floats(1e-4, 0.3), beta1=st.floats(0.0, 0.99), beta2=st.floats(0.5, 0.9999),
       eps=st.sampled_from([1e-8, 1e-3]), amsgrad=st.booleans(),
       weight_decay=st.sampled_from([0.0, 0.05]), name=st.sampled_from(["Adam", "AdamW"]))
def test_adam_matches_the_algorithm_for_any_options(lr, beta1, beta2, eps, amsgrad,
                                                    weight_decay, name):
    options = dict(lr=lr, betas=(beta1, beta2), eps=eps, amsgrad=amsgrad,
                   weight_decay=weight_decay)
    ours, _ = run_ours(lambda ps: getattr(optim, name)(ps, **options), steps=5)
    for got, want in zip(ours, reference(name, options, steps=5), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-12)


# --- 3. 25 steps against PyTorch -------------------------------------------------------------


def run_torch(torch, name: str, options: dict, steps: int, skip_second_at: int | None = None):
    params = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in START]
    opt = getattr(torch.optim, name)(params, **options)
    for t in range(steps):
        for i, p in enumerate(params):
            if skip_second_at is not None and i == 1 and t == skip_second_at:
                p.grad = None
                continue
            p.grad = torch.tensor(grad_of(p.detach().numpy(), t), dtype=torch.float64)
        opt.step()
    return [p.detach().numpy() for p in params], opt


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_25_steps_match_pytorch(case):
    torch = pytest.importorskip("torch")
    name, options = case
    ours, _ = run_ours(lambda ps: getattr(optim, name)(ps, **options), steps=25,
                       skip_second_at=7)
    theirs, _ = run_torch(torch, name, options, steps=25, skip_second_at=7)
    for got, want in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-14)


def test_param_groups_with_their_own_options_match_pytorch():
    torch = pytest.importorskip("torch")

    def groups(ps):
        return [{"params": [ps[0]]}, {"params": [ps[1]], "lr": 0.2, "momentum": 0.5}]

    ours, opt = run_ours(lambda ps: optim.SGD(groups(ps), lr=0.05, momentum=0.9), steps=25)
    params = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in START]
    topt = torch.optim.SGD(groups(params), lr=0.05, momentum=0.9)
    for t in range(25):
        for p in params:
            p.grad = torch.tensor(grad_of(p.detach().numpy(), t), dtype=torch.float64)
        topt.step()
    for got, want in zip(ours, params, strict=True):
        np.testing.assert_allclose(got, want.detach().numpy(), rtol=1e-13, atol=1e-14)
    assert opt.param_groups[0]["lr"] == 0.05 and opt.param_groups[1]["lr"] == 0.2
    assert opt.param_groups[1]["momentum"] == 0.5


def test_training_through_the_engine_matches_pytorch():
    """Gradients from our backward, updates from our Adam: the same weights as PyTorch's."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(16, 3)), rng.normal(size=(16, 1))
    w1, b1 = rng.normal(size=(4, 3)) * 0.5, np.zeros(4)
    w2, b2 = rng.normal(size=(1, 4)) * 0.5, np.zeros(1)

    ours = [ag.tensor(a, dtype=ag.float64, requires_grad=True) for a in (w1, b1, w2, b2)]
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (w1, b1, w2, b2)]
    opt = optim.Adam(ours, lr=0.01, amsgrad=True, weight_decay=1e-3)
    topt = torch.optim.Adam(theirs, lr=0.01, amsgrad=True, weight_decay=1e-3)
    X, Y = ag.tensor(x), ag.tensor(y)
    TX, TY = torch.tensor(x), torch.tensor(y)
    for _ in range(25):
        opt.zero_grad()
        hidden = (X @ ours[0].T + ours[1]).tanh()
        loss = ((hidden @ ours[2].T + ours[3] - Y) ** 2).mean()
        loss.backward()
        opt.step()
        topt.zero_grad()
        thidden = torch.tanh(TX @ theirs[0].T + theirs[1])
        tloss = ((thidden @ theirs[2].T + theirs[3] - TY) ** 2).mean()
        tloss.backward()
        topt.step()
        assert loss.item() == pytest.approx(tloss.item(), rel=1e-12)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a._array, b.detach().numpy(), rtol=1e-12, atol=1e-14)


# --- the Optimizer API -----------------------------------------------------------------------


def make_params(n=2):
    return [ag.tensor(np.arange(3.0) + i, requires_grad=True) for i in range(n)]


@pytest.mark.parametrize("cls", [optim.SGD, optim.Adagrad, optim.RMSprop, optim.Adam,
                                 optim.AdamW])
def test_empty_parameter_list_is_an_error(cls):
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        cls([], lr=0.1)
    with pytest.raises(ValueError, match="empty parameter list"):
        cls(iter([]))


@pytest.mark.parametrize("cls", [optim.SGD, optim.Adagrad, optim.RMSprop, optim.Adam,
                                 optim.AdamW])
def test_negative_lr_is_an_error(cls):
    with pytest.raises(ValueError, match="Invalid learning rate: -0.1"):
        cls(make_params(), lr=-0.1)
    with pytest.raises(ValueError, match="Invalid learning rate"):  # per group too
        cls([{"params": make_params(), "lr": -1.0}], lr=0.1)


@pytest.mark.parametrize("cls", [optim.Adam, optim.AdamW])
@pytest.mark.parametrize("betas, index", [((1.0, 0.999), 0), ((-0.1, 0.999), 0),
                                          ((0.9, 1.0), 1), ((0.9, 1.5), 1)])
def test_betas_outside_0_1_are_errors(cls, betas, index):
    with pytest.raises(ValueError, match=f"Invalid beta parameter at index {index}"):
        cls(make_params(), betas=betas)


@pytest.mark.parametrize("cls, options, message", [
    (optim.SGD, {"momentum": -0.5}, "Invalid momentum value"),
    (optim.SGD, {"weight_decay": -1e-4}, "Invalid weight_decay value"),
    (optim.SGD, {"nesterov": True}, "Nesterov momentum requires a momentum and zero dampening"),
    (optim.SGD, {"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "zero dampening"),
    (optim.Adam, {"eps": -1e-8}, "Invalid epsilon value"),
    (optim.Adam, {"weight_decay": -0.1}, "Invalid weight_decay value"),
    (optim.AdamW, {"weight_decay": -0.1}, "Invalid weight_decay value"),
    (optim.RMSprop, {"alpha": -0.1}, "Invalid alpha value"),
    (optim.RMSprop, {"momentum": -0.1}, "Invalid momentum value"),
    (optim.RMSprop, {"eps": -1.0}, "Invalid epsilon value"),
    (optim.Adagrad, {"lr_decay": -0.1}, "Invalid lr_decay value"),
    (optim.Adagrad, {"initial_accumulator_value": -1.0}, "Invalid initial_accumulator_value"),
    (optim.Adagrad, {"eps": -1.0}, "Invalid epsilon value"),
])
def test_options_out_of_range_are_errors(cls, options, message):
    with pytest.raises(ValueError, match=message):
        cls(make_params(), **options)


def test_bad_params_are_errors():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match="iterable of Tensors or dicts"):
        optim.SGD(w, lr=0.1)
    with pytest.raises(TypeError, match="can only optimize Tensors"):
        optim.SGD([w, np.zeros(2)], lr=0.1)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([w * 2], lr=0.1)
    with pytest.raises(TypeError, match="sets"):
        optim.SGD({w}, lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1)
    with pytest.raises(ValueError, match="duplicate"):
        optim.SGD([w, w], lr=0.1)


def test_defaults_match_pytorch():
    p = make_params()
    assert optim.SGD(p).defaults["lr"] == 1e-3
    group = optim.Adagrad(p).param_groups[0]
    assert (group["lr"], group["lr_decay"], group["eps"]) == (1e-2, 0, 1e-10)
    group = optim.RMSprop(p).param_groups[0]
    assert (group["lr"], group["alpha"], group["eps"], group["centered"]) == (1e-2, 0.99, 1e-8,
                                                                              False)
    group = optim.Adam(p).param_groups[0]
    assert (group["lr"], group["betas"], group["eps"], group["weight_decay"]) == \
        (1e-3, (0.9, 0.999), 1e-8, 0)
    assert optim.AdamW(p).param_groups[0]["weight_decay"] == 1e-2


def test_zero_grad_sets_to_none_or_zeros_in_place():
    params = make_params()
    opt = optim.SGD(params, lr=0.1)
    (params[0] * params[1]).sum().backward()
    opt.zero_grad()
    assert all(p.grad is None for p in params)

    (params[0] * params[1]).sum().backward()
    grad_array = params[0].grad._array
    opt.zero_grad(set_to_none=False)
    assert params[0].grad._array is grad_array  # the same array, filled with zeros
    np.testing.assert_array_equal(params[0].grad._array, 0.0)
    (params[0] * params[1]).sum().backward()  # accumulates onto the zeros
    np.testing.assert_array_equal(params[0].grad._array, params[1]._array)


@pytest.mark.parametrize("cls", [optim.SGD, optim.Adagrad, optim.RMSprop, optim.Adam,
                                 optim.AdamW])
def test_a_parameter_without_gradient_is_left_alone(cls):
    a, b = make_params()
    opt = cls([a, b], lr=0.1)
    before = b._array.copy()
    (a * a).sum().backward()
    opt.step()
    np.testing.assert_array_equal(b._array, before)
    assert not np.array_equal(a._array, np.arange(3.0))
    assert b not in opt.state or "step" not in opt.state[b] or opt.state[b]["step"] == 0


@pytest.mark.parametrize("cls", [optim.SGD, optim.Adagrad, optim.RMSprop, optim.Adam,
                                 optim.AdamW])
def test_update_is_in_place_and_keeps_dtype(cls):
    """The parameter keeps its array (and dtype); the state arrays are made once."""
    p = ag.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)  # float32
    extra = {"momentum": 0.9} if cls in (optim.SGD, optim.RMSprop) else {}
    opt = cls([p], lr=0.1, **extra)
    array = p._array
    for _ in range(3):
        opt.zero_grad()
        (p * p).sum().backward()
        opt.step()
        if _ == 0:
            state_arrays = {k: v._array for k, v in opt.state[p].items()
                            if isinstance(v, ag.Tensor)}
    assert p._array is array and p.dtype == ag.float32 and p.is_leaf and p.requires_grad
    for key, arr in state_arrays.items():
        assert opt.state[p][key]._array is arr, key
        assert arr.dtype == np.float32, key
    assert p.grad_fn is None


def test_step_does_not_modify_the_gradient():
    p = ag.tensor([1.0, -2.0], dtype=ag.float64, requires_grad=True)
    opt = optim.Adam([p], lr=0.1, weight_decay=0.5, maximize=True)
    p.grad = ag.tensor([0.3, 0.4], dtype=ag.float64)
    opt.step()
    np.testing.assert_array_equal(p.grad._array, [0.3, 0.4])


def test_step_with_closure_returns_the_loss():
    p = ag.tensor([3.0], dtype=ag.float64, requires_grad=True)
    opt = optim.SGD([p], lr=0.25)
    calls = []

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        calls.append(loss.item())
        return loss

    with ag.no_grad():  # the closure still records a graph
        loss = opt.step(closure)
    assert loss.item() == 9.0 and calls == [9.0]
    assert p.item() == pytest.approx(3.0 - 0.25 * 6.0)


def test_add_param_group_takes_the_defaults():
    a, b = make_params()
    opt = optim.Adam([a], lr=0.01, betas=(0.8, 0.9))
    opt.add_param_group({"params": b, "lr": 0.5})
    assert opt.param_groups[1]["params"] == [b]
    assert opt.param_groups[1]["lr"] == 0.5 and opt.param_groups[1]["betas"] == (0.8, 0.9)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})
    with pytest.raises(ValueError, match="Invalid beta"):
        opt.add_param_group({"params": [ag.tensor([1.0], requires_grad=True)], "betas": (1, 0)})


def test_named_parameters_are_accepted():
    a, b = make_params()
    opt = optim.SGD([("first", a), ("second", b)], lr=0.1)
    assert opt.param_groups[0]["params"] == [a, b]
    assert opt.param_groups[0]["param_names"] == ["first", "second"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["first", "second"]


def test_changing_lr_in_the_group_takes_effect():
    p = ag.tensor([1.0], dtype=ag.float64, requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    opt.param_groups[0]["lr"] = 0.5
    p.grad = ag.tensor([1.0], dtype=ag.float64)
    opt.step()
    assert p.item() == 0.5


def test_repr_lists_the_groups_like_pytorch():
    opt = optim.SGD(make_params(), lr=0.1, momentum=0.9)
    text = repr(opt)
    assert text.startswith("SGD (\nParameter Group 0\n")
    assert "    lr: 0.1\n" in text and "    momentum: 0.9\n" in text and text.endswith(")")


def test_repr_matches_pytorch():
    torch = pytest.importorskip("torch")
    ours = repr(optim.SGD(make_params(), lr=0.1, momentum=0.9))
    theirs = repr(torch.optim.SGD([torch.zeros(2, requires_grad=True)], lr=0.1, momentum=0.9))
    ours_lines = set(ours.splitlines())
    assert ours_lines <= set(theirs.splitlines())


# --- state_dict ------------------------------------------------------------------------------


def test_state_dict_has_pytorchs_layout():
    a, b, c = make_params(3)
    opt = optim.Adam([{"params": [a, b]}, {"params": [c], "lr": 0.5}], lr=0.01)
    for p in (a, c):
        p.grad = ag.ones_like(p)
    opt.step()
    sd = opt.state_dict()
    assert set(sd) == {"state", "param_groups"}
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert sd["param_groups"][1]["lr"] == 0.5 and sd["param_groups"][0]["betas"] == (0.9, 0.999)
    assert sorted(sd["state"]) == [0, 2]  # b had no gradient, so no state
    assert sd["state"][0]["step"] == 1
    assert set(sd["state"][0]) == {"step", "exp_avg", "exp_avg_sq"}
    assert isinstance(sd["state"][2]["exp_avg"], ag.Tensor)


def test_state_dict_keys_match_pytorch():
    torch = pytest.importorskip("torch")
    for name, options in [("SGD", {"momentum": 0.9}), ("Adagrad", {}),
                          ("RMSprop", {"momentum": 0.9, "centered": True}),
                          ("Adam", {"amsgrad": True}), ("AdamW", {})]:
        _, ours = run_ours(lambda ps, name=name, options=options:
                           getattr(optim, name)(ps, **options), steps=2)
        _, theirs = run_torch(torch, name, options, steps=2)
        ours_sd, theirs_sd = ours.state_dict(), theirs.state_dict()
        assert ours_sd["state"].keys() == theirs_sd["state"].keys()
        for index, state in theirs_sd["state"].items():
            assert set(ours_sd["state"][index]) == set(state), name
            for key, value in state.items():
                if key == "step":
                    assert ours_sd["state"][index][key] == float(value)
                else:
                    np.testing.assert_allclose(ours_sd["state"][index][key]._array,
                                               value.numpy(), rtol=1e-13, atol=1e-15)
        assert [g["params"] for g in ours_sd["param_groups"]] == \
            [g["params"] for g in theirs_sd["param_groups"]]
        for key, value in ours_sd["param_groups"][0].items():
            if key not in ("params", "decoupled_weight_decay"):
                assert theirs_sd["param_groups"][0][key] == value, (name, key)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_load_state_dict_resumes_exactly(case):
    name, options = case
    straight, _ = run_ours(lambda ps: getattr(optim, name)(ps, **options), steps=8)

    params = [ag.tensor(w, dtype=ag.float64, requires_grad=True) for w in START]
    first = getattr(optim, name)(params, **options)
    for t in range(8):
        if t == 4:  # a fresh optimizer takes over from the saved state
            saved = first.state_dict()
            first = getattr(optim, name)(params, lr=123.0)
            first.load_state_dict(saved)
            assert first.param_groups[0]["lr"] == saved["param_groups"][0]["lr"]
        for p in params:
            p.grad = ag.tensor(grad_of(p._array, t), dtype=ag.float64)
        first.step()
    for got, want in zip(params, straight, strict=True):
        np.testing.assert_array_equal(got._array, want)


def test_loaded_state_is_a_copy_cast_to_the_parameter():
    p = ag.tensor([1.0, 2.0], requires_grad=True)  # float32
    opt = optim.Adam([p])
    p.grad = ag.ones_like(p)
    opt.step()
    sd = opt.state_dict()
    sd["state"][0]["exp_avg"] = ag.tensor([0.5, 0.5], dtype=ag.float64)
    other = optim.Adam([p])
    other.load_state_dict(sd)
    assert other.state[p]["exp_avg"].dtype == ag.float32
    assert other.state[p]["exp_avg_sq"] is not opt.state[p]["exp_avg_sq"]
    other.step()
    np.testing.assert_allclose(opt.state[p]["exp_avg"]._array, [0.1, 0.1])  # untouched


def test_load_state_dict_errors_name_the_mismatch():
    a, b = make_params()
    opt = optim.Adam([a, b])
    for p in (a, b):
        p.grad = ag.ones_like(p)
    opt.step()
    sd = opt.state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optim.Adam([{"params": [a]}, {"params": [b]}]).load_state_dict(sd)
    with pytest.raises(ValueError, match="doesn't match the size"):
        optim.Adam([a]).load_state_dict(sd)
    bad = opt.state_dict()
    bad["state"][1] = dict(bad["state"][1], exp_avg=ag.zeros(5))
    with pytest.raises(ValueError, match=r"state\['exp_avg'\] of shape \(5,\) for parameter 1"):
        optim.Adam([a, b]).load_state_dict(bad)
    with pytest.raises(ValueError, match="'state' and 'param_groups'"):
        optim.Adam([a, b]).load_state_dict({"weight": a})


# --- on a GPU (the strict fake CuPy of tests/fake_cuda.py) ------------------------------------


@pytest.fixture
def fake_gpu():
    import fake_cuda

    from autograd import backend

    backend.set_cuda_module(fake_cuda, fake_cuda.ndarray)
    yield fake_cuda
    backend.set_cuda_module(None)


@pytest.mark.parametrize("case", [c for c in CASES if c[1]], ids=case_id)
def test_updates_on_the_gpu_equal_the_cpu_and_state_stays_there(fake_gpu, case):
    name, options = case
    cpu, _ = run_ours(lambda ps: getattr(optim, name)(ps, **options), steps=4)

    params = [ag.tensor(w, dtype=ag.float64, device="cuda", requires_grad=True) for w in START]
    opt = getattr(optim, name)(params, **options)
    for t in range(4):
        for p in params:
            p.grad = ag.tensor(grad_of(p._array.get(), t), dtype=ag.float64, device="cuda")
        opt.step()
    for p, want in zip(params, cpu, strict=True):
        assert isinstance(p._array, fake_gpu.ndarray)
        np.testing.assert_allclose(p._array.get(), want, rtol=1e-14, atol=1e-15)
        for key, value in opt.state[p].items():
            if isinstance(value, ag.Tensor):
                assert value.device.type == "cuda", key
    # a state_dict saved from the GPU loads back onto the parameters' device
    fresh = getattr(optim, name)(params, **options)
    fresh.load_state_dict(opt.state_dict())
    assert all(v.device.type == "cuda" for s in fresh.state.values() for v in s.values()
               if isinstance(v, ag.Tensor))
