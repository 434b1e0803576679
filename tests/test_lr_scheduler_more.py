"""CyclicLR and CosineAnnealingWarmRestarts: their closed forms, and PyTorch's sequences."""

from __future__ import annotations

import math

import pytest

import autograd as ag
import optim
from optim import lr_scheduler


def make_params(groups=2):
    return [ag.tensor([1.0, 2.0], requires_grad=True) for _ in range(groups)]


def sgd(params, lr=0.1):
    return optim.SGD([{"params": [p], "lr": lr * (i + 1)} for i, p in enumerate(params)],
                     lr=lr, momentum=0.9)


def record(opt, scheduler, steps, key="lr", epochs=None):
    """The value of ``key`` in every group before each step, then opt.step(); scheduler.step()."""
    seq = []
    for i in range(steps):
        seq.append([g[key] if key != "beta1" else g["betas"][0] for g in opt.param_groups])
        opt.step()
        scheduler.step() if epochs is None else scheduler.step(epochs[i])
    return seq


def flat(seq):
    return [x for row in seq for x in row]


def torch_sequence(torch, make_opt, make_sched, steps, key="lr", epochs=None):
    params = [torch.tensor([1.0, 2.0], requires_grad=True) for _ in range(2)]
    opt = make_opt(torch, params)
    sched = make_sched(torch.optim.lr_scheduler, opt)
    return record(opt, sched, steps, key, epochs)


def torch_sgd(torch, params, lr=0.1):
    return torch.optim.SGD([{"params": [p], "lr": lr * (i + 1)} for i, p in enumerate(params)],
                           lr=lr, momentum=0.9)


# --- CyclicLR ------------------------------------------------------------------------------


def cyclic_closed_form(t, base, top, up, down, scale):
    total = up + down
    cycle = math.floor(1 + t / total)
    x = 1 + t / total - cycle
    h = x / (up / total) if x <= up / total else (x - 1) / (up / total - 1)
    return base + (top - base) * h * scale(cycle, t)


def test_cyclic_triangular_rises_and_falls():
    opt = sgd(make_params())
    sched = lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=[0.1, 0.2], step_size_up=4,
                                  step_size_down=2)
    seq = record(opt, sched, 19)
    # up in 4 steps, down in 2: 0.01, 0.0325, 0.055, 0.0775, 0.1, 0.055, 0.01, ...
    assert [s[0] for s in seq[:7]] == pytest.approx([0.01, 0.0325, 0.055, 0.0775, 0.1, 0.055,
                                                     0.01], rel=1e-12)
    for t, (a, b) in enumerate(seq):
        assert a == pytest.approx(cyclic_closed_form(t, 0.01, 0.1, 4, 2, lambda c, t: 1.0))
        assert b == pytest.approx(cyclic_closed_form(t, 0.01, 0.2, 4, 2, lambda c, t: 1.0))


def test_cyclic_triangular2_halves_every_cycle_and_exp_range_decays():
    opt = sgd(make_params())
    sched = lr_scheduler.CyclicLR(opt, 0.01, 0.1, step_size_up=3, mode="triangular2")
    seq = record(opt, sched, 20)
    peaks = [seq[t][0] for t in (3, 9, 15)]
    assert peaks == pytest.approx([0.1, 0.01 + 0.09 / 2, 0.01 + 0.09 / 4], rel=1e-12)

    opt = sgd(make_params())
    sched = lr_scheduler.CyclicLR(opt, 0.01, 0.1, step_size_up=3, mode="exp_range", gamma=0.9)
    seq = record(opt, sched, 20)
    for t, (a, _) in enumerate(seq):
        assert a == pytest.approx(cyclic_closed_form(t, 0.01, 0.1, 3, 3, lambda c, t: 0.9**t))


def test_cyclic_momentum_moves_the_other_way():
    opt = sgd(make_params())
    sched = lr_scheduler.CyclicLR(opt, 0.01, 0.1, step_size_up=2, base_momentum=0.8,
                                  max_momentum=0.95)
    lrs = record(opt, sched, 9)
    opt2 = sgd(make_params())
    sched2 = lr_scheduler.CyclicLR(opt2, 0.01, 0.1, step_size_up=2, base_momentum=0.8,
                                   max_momentum=0.95)
    moms = record(opt2, sched2, 9, key="momentum")
    for (lr, _), (m, _) in zip(lrs, moms):
        h = (lr - 0.01) / 0.09  # the same height h for both
        assert m == pytest.approx(0.95 - 0.15 * h)
    assert moms[0][0] == 0.95 and moms[2][0] == pytest.approx(0.8)
    assert opt.param_groups[0]["max_momentum"] == 0.95


def test_cyclic_needs_momentum_and_a_valid_mode():
    p = make_params(1)
    with pytest.raises(ValueError, match="momentum or beta1"):
        lr_scheduler.CyclicLR(optim.Adagrad(p), 0.01, 0.1)
    with pytest.raises(ValueError, match="mode"):
        lr_scheduler.CyclicLR(optim.SGD(p, momentum=0.9), 0.01, 0.1, mode="sawtooth")
    with pytest.raises(ValueError, match="expected 1 values for max_lr"):
        lr_scheduler.CyclicLR(optim.SGD(p, momentum=0.9), 0.01, [0.1, 0.2])
    lr_scheduler.CyclicLR(optim.Adagrad(p), 0.01, 0.1, cycle_momentum=False)  # fine without


CYCLIC_CASES = {
    "triangular": dict(base_lr=0.01, max_lr=[0.1, 0.3], step_size_up=5),
    "triangular-asym": dict(base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=3,
                            step_size_down=7),
    "triangular2": dict(base_lr=0.001, max_lr=0.1, step_size_up=4, mode="triangular2"),
    "exp_range": dict(base_lr=0.001, max_lr=0.1, step_size_up=4, mode="exp_range",
                      gamma=0.95),
    "scale_fn-cycle": dict(base_lr=0.001, max_lr=0.1, step_size_up=3,
                           scale_fn=lambda x: 1 / x),
    "scale_fn-iterations": dict(base_lr=0.001, max_lr=0.1, step_size_up=3,
                                scale_fn=lambda x: 0.97**x, scale_mode="iterations"),
    "momentum": dict(base_lr=0.01, max_lr=0.1, step_size_up=3, base_momentum=[0.7, 0.75],
                     max_momentum=0.95),
    "no-momentum": dict(base_lr=0.01, max_lr=0.1, step_size_up=3, cycle_momentum=False),
}


@pytest.mark.parametrize("name", sorted(CYCLIC_CASES))
def test_cyclic_matches_pytorch(name):
    torch = pytest.importorskip("torch")
    kwargs = CYCLIC_CASES[name]
    for key in ("lr", "momentum"):
        theirs = torch_sequence(torch, torch_sgd,
                                lambda sch, opt: sch.CyclicLR(opt, **kwargs), 40, key)
        opt = sgd(make_params())
        ours = record(opt, lr_scheduler.CyclicLR(opt, **kwargs), 40, key)
        assert flat(ours) == pytest.approx(flat(theirs), rel=1e-13, abs=1e-16), key


def test_cyclic_cycles_adams_beta1_as_pytorch():
    torch = pytest.importorskip("torch")
    kwargs = dict(base_lr=0.001, max_lr=0.01, step_size_up=3, base_momentum=0.85,
                  max_momentum=0.95)
    theirs = torch_sequence(torch, lambda torch, ps: torch.optim.Adam(ps, betas=(0.9, 0.99)),
                            lambda sch, opt: sch.CyclicLR(opt, **kwargs), 14, "beta1")
    opt = optim.Adam(make_params(), betas=(0.9, 0.99))
    ours = record(opt, lr_scheduler.CyclicLR(opt, **kwargs), 14, "beta1")
    assert flat(ours) == pytest.approx(flat(theirs), rel=1e-14)
    assert opt.param_groups[0]["betas"][1] == 0.99


def test_cyclic_state_dict_round_trip(tmp_path):
    opt = sgd(make_params())
    sched = lr_scheduler.CyclicLR(opt, 0.01, 0.1, step_size_up=3, scale_fn=lambda x: 0.5**x)
    record(opt, sched, 5)
    state = sched.state_dict()
    assert "_scale_fn_ref" not in state and state["_scale_fn_custom"] is None
    assert state["last_epoch"] == 5
    ag.save(state, tmp_path / "sched.npz")

    opt2 = sgd(make_params())
    sched2 = lr_scheduler.CyclicLR(opt2, 0.01, 0.1, step_size_up=3, scale_fn=lambda x: 0.5**x)
    sched2.load_state_dict(ag.load(tmp_path / "sched.npz"))
    for g2, g in zip(opt2.param_groups, opt.param_groups):  # the optimizer's own state_dict
        g2["lr"], g2["momentum"] = g["lr"], g["momentum"]
    assert flat(record(opt2, sched2, 6)) == pytest.approx(flat(record(opt, sched, 6)), rel=1e-15)


# --- CosineAnnealingWarmRestarts -------------------------------------------------------------


def sgdr_closed_form(epoch, base, T_0, T_mult, eta_min):
    T_i, t = T_0, epoch
    while t >= T_i:
        t -= T_i
        T_i *= T_mult
    return eta_min + (base - eta_min) * (1 + math.cos(math.pi * t / T_i)) / 2


@pytest.mark.parametrize("T_0, T_mult, eta_min", [(5, 1, 0.0), (3, 2, 0.001), (2, 3, 0.01)])
def test_warm_restarts_closed_form(T_0, T_mult, eta_min):
    opt = sgd(make_params())
    sched = lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0, T_mult, eta_min)
    seq = record(opt, sched, 40)
    for epoch, (a, b) in enumerate(seq):
        assert a == pytest.approx(sgdr_closed_form(epoch, 0.1, T_0, T_mult, eta_min), rel=1e-12)
        assert b == pytest.approx(sgdr_closed_form(epoch, 0.2, T_0, T_mult, eta_min), rel=1e-12)
    restarts = [e for e in range(1, 40) if seq[e][0] == pytest.approx(0.1, rel=1e-15)]
    expected = {1: [5, 10, 15, 20, 25, 30, 35], 2: [3, 9, 21], 3: [2, 8, 26]}[T_mult]
    assert restarts == expected


def test_warm_restarts_fractional_epochs():
    opt = sgd(make_params())
    sched = lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2, eta_min=0.0)
    epochs = [e + i / 4 for e in range(12) for i in range(4)]
    seq = record(opt, sched, len(epochs), epochs=epochs)
    # the rate set by step(epochs[k]) is the one seen before step k + 1
    for k, epoch in enumerate(epochs[:-1]):
        assert seq[k + 1][0] == pytest.approx(sgdr_closed_form(epoch, 0.1, 2, 2, 0.0),
                                              rel=1e-12, abs=1e-15)
    assert sched.last_epoch == 11


def test_warm_restarts_bad_arguments():
    opt = sgd(make_params(1))
    with pytest.raises(ValueError, match="positive integer T_0"):
        lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=0)
    with pytest.raises(ValueError, match="T_mult >= 1"):
        lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=0)
    sched = lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2)
    with pytest.raises(ValueError, match="non-negative epoch"):
        sched.step(-1)


@pytest.mark.parametrize("T_0, T_mult, eta_min", [(5, 1, 0.0), (3, 2, 0.001), (2, 3, 0.01)])
def test_warm_restarts_match_pytorch(T_0, T_mult, eta_min):
    torch = pytest.importorskip("torch")
    make = (lambda sch, opt: sch.CosineAnnealingWarmRestarts(opt, T_0, T_mult, eta_min))
    theirs = torch_sequence(torch, torch_sgd, make, 45)
    opt = sgd(make_params())
    ours = record(opt, make(lr_scheduler, opt), 45)
    assert flat(ours) == pytest.approx(flat(theirs), rel=1e-14, abs=1e-16)

    # fractional epochs, and explicit epochs mixed with plain steps
    epochs = [e + i / 3 for e in range(10) for i in range(3)] + [None, None, 17.5, None, 4, None]
    theirs = torch_sequence(torch, torch_sgd, make, len(epochs), epochs=epochs)
    opt = sgd(make_params())
    ours = record(opt, make(lr_scheduler, opt), len(epochs), epochs=epochs)
    assert flat(ours) == pytest.approx(flat(theirs), rel=1e-13, abs=1e-16)
