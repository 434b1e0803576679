"""Learning-rate schedules: closed forms, PyTorch's sequences, state_dict."""

from __future__ import annotations

import math

import pytest

import autograd as ag
import optim
from optim import lr_scheduler


def make_opt(lr=0.1, groups=1):
    params = [ag.tensor([1.0, 2.0], requires_grad=True) for _ in range(groups)]
    return optim.SGD([{"params": [p], "lr": lr * (i + 1)} for i, p in enumerate(params)],
                     lr=lr)


def lrs(opt, scheduler, epochs, metrics=None):
    """The lr of each group at every epoch: the value used, then scheduler.step()."""
    seq = []
    for epoch in range(epochs):
        seq.append([g["lr"] for g in opt.param_groups])
        opt.step()
        if metrics is None:
            scheduler.step()
        else:
            scheduler.step(metrics[epoch])
    return seq


def test_reachable_as_in_pytorch():
    assert optim.lr_scheduler is lr_scheduler
    assert issubclass(lr_scheduler.StepLR, lr_scheduler.LRScheduler)
    assert issubclass(lr_scheduler.ReduceLROnPlateau, lr_scheduler.LRScheduler)


def test_step_lr_closed_form():
    opt = make_opt(0.1)
    scheduler = lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    assert scheduler.last_epoch == 0 and scheduler.get_last_lr() == [0.1]
    seq = [s[0] for s in lrs(opt, scheduler, 10)]
    assert seq == pytest.approx([0.1 * 0.5 ** (e // 3) for e in range(10)], rel=1e-15)
    assert scheduler.last_epoch == 10
    assert scheduler.get_last_lr() == [opt.param_groups[0]["lr"]]


def test_multistep_lr_closed_form():
    opt = make_opt(1.0)
    scheduler = lr_scheduler.MultiStepLR(opt, milestones=[2, 5, 5], gamma=0.1)
    seq = [s[0] for s in lrs(opt, scheduler, 8)]
    assert seq == pytest.approx([1, 1, 0.1, 0.1, 0.1, 1e-3, 1e-3, 1e-3], rel=1e-14)


def test_exponential_lr_closed_form():
    opt = make_opt(0.2, groups=2)
    scheduler = lr_scheduler.ExponentialLR(opt, gamma=0.9)
    seq = lrs(opt, scheduler, 6)
    for epoch, (first, second) in enumerate(seq):
        assert first == pytest.approx(0.2 * 0.9**epoch, rel=1e-14)
        assert second == pytest.approx(0.4 * 0.9**epoch, rel=1e-14)


def test_cosine_annealing_follows_the_cosine_and_climbs_back():
    opt = make_opt(0.1)
    scheduler = lr_scheduler.CosineAnnealingLR(opt, T_max=10, eta_min=0.01)
    seq = [s[0] for s in lrs(opt, scheduler, 31)]
    closed = [0.01 + 0.09 * (1 + math.cos(math.pi * t / 10)) / 2 for t in range(31)]
    assert seq == pytest.approx(closed, rel=1e-12, abs=1e-15)
    assert seq[10] == pytest.approx(0.01) and seq[20] == pytest.approx(0.1)


def test_step_with_an_epoch_uses_the_closed_form():
    opt = make_opt(0.1)
    scheduler = lr_scheduler.StepLR(opt, step_size=2, gamma=0.1)
    scheduler.step(5)
    assert scheduler.last_epoch == 5 and opt.param_groups[0]["lr"] == pytest.approx(1e-3)


def test_reduce_on_plateau_waits_for_patience_then_cools_down():
    opt = make_opt(1.0)
    scheduler = lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2,
                                               cooldown=1, min_lr=0.2)
    losses = [5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]
    seq = [s[0] for s in lrs(opt, scheduler, len(losses), metrics=losses)]
    # epochs 2, 3, 4 are bad; after the third (more than patience=2) the lr halves;
    # one cooldown epoch, then three more bad epochs, and so on down to min_lr
    assert seq == [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25]
    assert scheduler.get_last_lr() == [0.2]  # 0.125 would be below min_lr


def test_reduce_on_plateau_threshold_modes():
    opt = make_opt(1.0)
    rel = lr_scheduler.ReduceLROnPlateau(opt, threshold=0.1, threshold_mode="rel")
    rel.best = 10.0
    assert rel.is_better(8.9, 10.0) and not rel.is_better(9.1, 10.0)
    ab = lr_scheduler.ReduceLROnPlateau(opt, mode="max", threshold=0.5, threshold_mode="abs")
    assert ab.is_better(10.6, 10.0) and not ab.is_better(10.4, 10.0)
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode 'up' is unknown"):
        lr_scheduler.ReduceLROnPlateau(opt, mode="up")
    with pytest.raises(ValueError, match="threshold mode"):
        lr_scheduler.ReduceLROnPlateau(opt, threshold_mode="ratio")
    with pytest.raises(ValueError, match="expected 1 min_lrs"):
        lr_scheduler.ReduceLROnPlateau(opt, min_lr=[0.1, 0.2])


def test_scheduler_errors():
    with pytest.raises(TypeError, match="is not an Optimizer"):
        lr_scheduler.StepLR(object(), step_size=2)
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(make_opt(), step_size=2, last_epoch=3)


def test_scheduler_state_dict_round_trips_through_ag_save(tmp_path):
    opt = make_opt(0.1)
    scheduler = lr_scheduler.MultiStepLR(opt, milestones=[3, 6], gamma=0.5)
    lrs(opt, scheduler, 4)
    ag.save({"optimizer": opt.state_dict(), "scheduler": scheduler.state_dict()},
            tmp_path / "ckpt.npz")
    expected = [s[0] for s in lrs(opt, scheduler, 5)]

    checkpoint = ag.load(tmp_path / "ckpt.npz")
    opt2 = make_opt(0.1)
    scheduler2 = lr_scheduler.MultiStepLR(opt2, milestones=[3, 6], gamma=0.5)
    opt2.load_state_dict(checkpoint["optimizer"])
    scheduler2.load_state_dict(checkpoint["scheduler"])
    assert scheduler2.last_epoch == 4
    assert [s[0] for s in lrs(opt2, scheduler2, 5)] == expected
    scheduler2.step(7)  # the closed form still works after loading
    assert opt2.param_groups[0]["lr"] == pytest.approx(0.025)


# --- against PyTorch -------------------------------------------------------------------------


SCHEDULES = [
    ("StepLR", {"step_size": 3, "gamma": 0.3}),
    ("MultiStepLR", {"milestones": [2, 7, 7, 11], "gamma": 0.7}),
    ("ExponentialLR", {"gamma": 0.93}),
    ("CosineAnnealingLR", {"T_max": 7}),
    ("CosineAnnealingLR", {"T_max": 5, "eta_min": 0.003}),
]


@pytest.mark.parametrize("name, options", SCHEDULES, ids=[s[0] for s in SCHEDULES])
def test_sequences_equal_pytorchs(name, options):
    torch = pytest.importorskip("torch")
    opt = make_opt(0.1, groups=2)
    ours = lrs(opt, getattr(lr_scheduler, name)(opt, **options), 40)
    params = [torch.zeros(2, requires_grad=True) for _ in range(2)]
    topt = torch.optim.SGD([{"params": [p], "lr": 0.1 * (i + 1)} for i, p in enumerate(params)],
                           lr=0.1)
    theirs = lrs(topt, getattr(torch.optim.lr_scheduler, name)(topt, **options), 40)
    assert ours == theirs  # the same recursion gives the same floats


def test_reduce_on_plateau_equals_pytorchs():
    torch = pytest.importorskip("torch")
    losses = [1.0, 0.9, 0.9, 0.95, 0.91, 0.89, 0.9, 0.9, 0.9, 0.9, 0.88, 0.8799, 0.9, 0.9,
              0.9, 0.9, 0.9, 0.9, 0.9, 0.9]
    for options in [{"patience": 1}, {"patience": 2, "cooldown": 2, "factor": 0.3},
                    {"mode": "max", "patience": 1, "threshold_mode": "abs", "threshold": 0.01},
                    {"patience": 0, "min_lr": 0.05, "eps": 1e-3}]:
        opt = make_opt(0.1)
        ours = lrs(opt, lr_scheduler.ReduceLROnPlateau(opt, **options), len(losses), losses)
        topt = torch.optim.SGD([torch.zeros(2, requires_grad=True)], lr=0.1)
        theirs = lrs(topt, torch.optim.lr_scheduler.ReduceLROnPlateau(topt, **options),
                     len(losses), losses)
        assert ours == theirs, options


def test_reduce_on_plateau_state_round_trips_through_ag_save(tmp_path):
    opt = make_opt(1.0)
    scheduler = lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1)
    assert scheduler.state_dict()["best"] == math.inf  # JSON has no inf: ag.save must cope
    ag.save(scheduler.state_dict(), tmp_path / "fresh.npz")
    assert ag.load(tmp_path / "fresh.npz")["best"] == math.inf
    losses = [3.0, 2.0, 2.5, 2.5, 2.5, 1.0, 1.5, 1.5]
    lrs(opt, scheduler, 4, losses[:4])
    ag.save({"optimizer": opt.state_dict(), "scheduler": scheduler.state_dict()},
            tmp_path / "ckpt.npz")
    expected = lrs(opt, scheduler, 4, losses[4:])

    checkpoint = ag.load(tmp_path / "ckpt.npz")
    opt2 = make_opt(1.0)
    scheduler2 = lr_scheduler.ReduceLROnPlateau(opt2)
    opt2.load_state_dict(checkpoint["optimizer"])
    scheduler2.load_state_dict(checkpoint["scheduler"])
    assert (scheduler2.factor, scheduler2.patience, scheduler2.best) == (0.5, 1, 2.0)
    assert lrs(opt2, scheduler2, 4, losses[4:]) == expected
