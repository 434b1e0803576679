"""Saving and resuming: model and optimizer state_dicts through ag.save / ag.load."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from autograd.data import DataLoader, TensorDataset


def make_model(seed: int) -> nn.Module:
    ag.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))


def xor_data():
    X = ag.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 3)
    Y = ag.tensor([[0.0], [1.0], [1.0], [0.0]] * 3)
    return X, Y


def test_model_state_dict_round_trips_exactly(tmp_path):
    model = make_model(0)
    path = tmp_path / "model.npz"
    ag.save(model.state_dict(), path)
    loaded = ag.load(path)
    assert list(loaded) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    for key, value in model.state_dict().items():
        assert loaded[key].dtype == value.dtype == ag.float32
        np.testing.assert_array_equal(loaded[key]._array, value._array)

    other = make_model(1)
    X, _ = xor_data()
    assert not np.array_equal(other(X)._array, model(X)._array)
    other.load_state_dict(ag.load(path))
    np.testing.assert_array_equal(other(X)._array, model(X)._array)


def test_ag_save_writes_no_pickle(tmp_path):
    path = tmp_path / "model.npz"
    ag.save(make_model(0).state_dict(), path)
    with np.load(path, allow_pickle=False) as archive:  # would raise on a pickled object
        assert len(archive.files) == 5  # four arrays and the structure record
    np.savez(tmp_path / "other.npz", weight=np.zeros(3))
    with pytest.raises(ValueError, match="not a file written by ag.save"):
        ag.load(tmp_path / "other.npz")


def test_loading_a_mismatched_state_dict_names_the_entries(tmp_path):
    path = tmp_path / "model.npz"
    ag.save(make_model(0).state_dict(), path)
    wider = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
    with pytest.raises(RuntimeError, match=r"size mismatch for 0\.weight.*\(3, 2\).*\(4, 2\)"):
        wider.load_state_dict(ag.load(path))
    deeper = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1), nn.Linear(1, 1))
    with pytest.raises(RuntimeError, match=r'Missing key\(s\) in state_dict: "3\.weight"'):
        deeper.load_state_dict(ag.load(path))
    shallow = nn.Sequential(nn.Linear(2, 3))
    with pytest.raises(RuntimeError, match=r'Unexpected key\(s\) in state_dict: "2\.weight"'):
        shallow.load_state_dict(ag.load(path))


def test_optimizer_state_dict_round_trips(tmp_path):
    model = make_model(0)
    opt = optim.Adam(model.parameters(), lr=0.01, betas=(0.8, 0.99), amsgrad=True)
    X, Y = xor_data()
    for _ in range(3):
        opt.zero_grad()
        ((model(X) - Y) ** 2).mean().backward()
        opt.step()
    ag.save(opt.state_dict(), tmp_path / "opt.npz")
    loaded = ag.load(tmp_path / "opt.npz")
    original = opt.state_dict()
    assert sorted(loaded["state"]) == [0, 1, 2, 3]  # int keys stay ints
    assert loaded["param_groups"] == [
        {k: v for k, v in original["param_groups"][0].items()}
    ]
    assert loaded["param_groups"][0]["betas"] == (0.8, 0.99)
    for index, state in original["state"].items():
        assert loaded["state"][index]["step"] == 3
        for key in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"):
            assert loaded["state"][index][key].dtype == ag.float32
            np.testing.assert_array_equal(loaded["state"][index][key]._array, state[key]._array)


def train(model, opt, loader, steps, scheduler=None):
    """``steps`` optimizer steps over the loader's batches (epoch after epoch)."""
    done = 0
    while done < steps:
        for x, y in loader:
            opt.zero_grad()
            loss = ((model(x) - y) ** 2).mean()
            loss.backward()
            opt.step()
            done += 1
            if scheduler is not None:
                scheduler.step()
            if done == steps:
                return


OPTIMIZERS = [
    (optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-3}),
    (optim.Adagrad, {"lr": 0.1, "lr_decay": 0.01}),
    (optim.RMSprop, {"lr": 0.01, "momentum": 0.5, "centered": True}),
    (optim.Adam, {"lr": 0.05, "amsgrad": True}),
    (optim.AdamW, {"lr": 0.05, "weight_decay": 0.1}),
]


@pytest.mark.parametrize("opt_cls, options", OPTIMIZERS, ids=[c.__name__ for c, _ in OPTIMIZERS])
def test_training_resumes_exactly_where_it_stopped(tmp_path, opt_cls, options):
    """10 steps, save model + optimizer + scheduler, load into fresh objects, 10 more ==
    20 uninterrupted steps, to the last bit."""
    rng = np.random.default_rng(5)
    X = ag.tensor(rng.normal(size=(10, 2)), dtype=ag.float32)
    Y = ag.tensor(np.sin(X._array[:, :1] * 2) + X._array[:, 1:], dtype=ag.float32)
    loader = DataLoader(TensorDataset(X, Y), batch_size=5)  # 2 batches: 10 steps = 5 epochs

    model = make_model(0)
    opt = opt_cls(model.parameters(), **options)
    scheduler = optim.lr_scheduler.StepLR(opt, step_size=7, gamma=0.5)
    train(model, opt, loader, 20, scheduler)
    uninterrupted = [p._array.copy() for p in model.parameters()]

    model = make_model(0)
    opt = opt_cls(model.parameters(), **options)
    scheduler = optim.lr_scheduler.StepLR(opt, step_size=7, gamma=0.5)
    train(model, opt, loader, 10, scheduler)
    ag.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
             "scheduler": scheduler.state_dict()}, tmp_path / "checkpoint.npz")
    del model, opt, scheduler

    checkpoint = ag.load(tmp_path / "checkpoint.npz")
    model = make_model(1)  # different initial weights: the checkpoint must overwrite them
    opt = opt_cls(model.parameters(), lr=1.0)
    scheduler = optim.lr_scheduler.StepLR(opt, step_size=7, gamma=0.5)
    model.load_state_dict(checkpoint["model"])
    opt.load_state_dict(checkpoint["optimizer"])
    scheduler.load_state_dict(checkpoint["scheduler"])
    train(model, opt, loader, 10, scheduler)  # steps 11..20
    resumed = [p._array for p in model.parameters()]

    assert opt.param_groups[0]["lr"] == options["lr"] * 0.5**2
    for got, want in zip(resumed, uninterrupted, strict=True):
        np.testing.assert_array_equal(got, want)
