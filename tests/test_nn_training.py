"""End-to-end: the lecture's 2-3-1 network learns XOR, softmax regression separates three
classes. The parameter updates are written by hand (w <- w - lr dL/dw under no_grad), so
these tests depend on nn and autograd only, not on optim."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F


def sgd_step(model: nn.Module, lr: float) -> None:
    with ag.no_grad():
        for p in model.parameters():
            p -= lr * p.grad


@pytest.mark.parametrize("seed", [0])
def test_lecture_2_3_1_network_learns_xor(seed):
    ag.manual_seed(seed)
    x = ag.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = ag.tensor([[0.0], [1.0], [1.0], [0.0]])
    # 2 inputs, 3 hidden sigmoid neurons, 1 sigmoid output: y = f(a), a = b + sum_i y_i w_i.
    model = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1), nn.Sigmoid())
    loss_fn = nn.MSELoss()
    first = loss_fn(model(x), y).item()
    for _ in range(2000):
        loss = loss_fn(model(x), y)
        model.zero_grad()
        loss.backward()
        sgd_step(model, lr=5.0)
    out = model(x)._array.ravel()
    assert loss.item() < 0.01 < first
    np.testing.assert_array_equal(out > 0.5, [False, True, True, False])


def test_one_hand_computed_backprop_step_of_the_2_3_1_network():
    """dL/dw by the chain rule written out in numpy, for one sample and MSE."""
    model = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1), nn.Sigmoid()).double()
    x = np.array([[0.3, -1.2]])
    target = np.array([[1.0]])
    loss = F.mse_loss(model(ag.tensor(x, dtype=ag.float64)), ag.tensor(target, dtype=ag.float64))
    loss.backward()
    w1, b1 = model[0].weight._array, model[0].bias._array
    w2, b2 = model[2].weight._array, model[2].bias._array
    a1 = x @ w1.T + b1
    y1 = 1 / (1 + np.exp(-a1))
    a2 = y1 @ w2.T + b2
    y2 = 1 / (1 + np.exp(-a2))
    delta2 = 2 * (y2 - target) * y2 * (1 - y2)  # dL/da2
    delta1 = (delta2 @ w2) * y1 * (1 - y1)  # dL/da1
    np.testing.assert_allclose(loss.item(), ((y2 - target) ** 2).item(), rtol=1e-14)
    np.testing.assert_allclose(model[2].weight.grad._array, delta2.T @ y1, rtol=1e-12)
    np.testing.assert_allclose(model[2].bias.grad._array, delta2.sum(0), rtol=1e-12)
    np.testing.assert_allclose(model[0].weight.grad._array, delta1.T @ x, rtol=1e-12)
    np.testing.assert_allclose(model[0].bias.grad._array, delta1.sum(0), rtol=1e-12)


def three_blobs(n_per_class: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])
    x = np.concatenate([c + 0.7 * rng.standard_normal((n_per_class, 2)) for c in centres])
    y = np.repeat(np.arange(3), n_per_class)
    return x.astype(np.float32), y


def test_softmax_regression_separates_three_classes():
    ag.manual_seed(0)
    x_train, y_train = three_blobs(60, seed=1)
    x_test, y_test = three_blobs(40, seed=2)
    model = nn.Linear(2, 3)
    loss_fn = nn.CrossEntropyLoss()
    x, y = ag.tensor(x_train), ag.tensor(y_train)
    for _ in range(150):
        loss = loss_fn(model(x), y)
        model.zero_grad()
        loss.backward()
        sgd_step(model, lr=0.5)
    assert loss.item() < 0.25
    probs = F.softmax(model(ag.tensor(x_test)), dim=1)
    np.testing.assert_allclose(probs._array.sum(axis=1), 1.0, rtol=1e-5)
    accuracy = (probs._array.argmax(axis=1) == y_test).mean()
    assert accuracy >= 0.93


def test_training_with_dropout_and_eval():
    ag.manual_seed(3)
    x_train, y_train = three_blobs(50, seed=4)
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 3))
    x, y = ag.tensor(x_train), ag.tensor(y_train)
    for _ in range(150):
        loss = F.cross_entropy(model(x), y)
        model.zero_grad()
        loss.backward()
        sgd_step(model, lr=0.2)
    model.eval()
    first, second = model(x)._array, model(x)._array
    np.testing.assert_array_equal(first, second)  # no dropout in eval mode
    assert (first.argmax(axis=1) == y_train).mean() >= 0.9
