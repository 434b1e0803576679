"""nn.utils: parameters_to_vector, vector_to_parameters, and clip_grad_norm_ vs torch."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn


def model_and_weights():
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    return model, [p._array.copy() for p in model.parameters()]


def test_parameters_to_vector_flattens_in_order_and_is_differentiable():
    model, weights = model_and_weights()
    vec = nn.utils.parameters_to_vector(model.parameters())
    assert vec.shape == (sum(w.size for w in weights),) and vec.dtype == ag.float32
    np.testing.assert_array_equal(vec._array, np.concatenate([w.ravel() for w in weights]))
    (vec * vec).sum().backward()  # d/dp sum p^2 = 2 p for every parameter
    for p, w in zip(model.parameters(), weights):
        np.testing.assert_allclose(p.grad._array, 2 * w, rtol=1e-6)


def test_vector_to_parameters_writes_each_slice_back():
    model, weights = model_and_weights()
    vec = ag.arange(sum(w.size for w in weights), dtype=ag.float32)
    nn.utils.vector_to_parameters(vec, model.parameters())
    start = 0
    for p, w in zip(model.parameters(), weights):
        assert p.shape == w.shape and isinstance(p, nn.Parameter)
        np.testing.assert_array_equal(p._array.ravel(), np.arange(start, start + w.size))
        start += w.size
    back = nn.utils.parameters_to_vector(model.parameters())
    np.testing.assert_array_equal(back._array, vec._array)


def test_vector_to_parameters_errors():
    model, _ = model_and_weights()
    with pytest.raises(TypeError, match="expected torch.Tensor"):
        nn.utils.vector_to_parameters(np.zeros(26), model.parameters())
    with pytest.raises(RuntimeError, match="1-D vector of 26 elements"):
        nn.utils.vector_to_parameters(ag.zeros(5), model.parameters())
    with pytest.raises(TypeError, match="iterable of Tensors"):
        nn.utils.parameters_to_vector(ag.zeros(3))


def test_flattening_matches_torch():
    torch = pytest.importorskip("torch")
    model, weights = model_and_weights()
    theirs = [torch.tensor(w) for w in weights]
    ours = nn.utils.parameters_to_vector(model.parameters())
    np.testing.assert_array_equal(ours._array, torch.nn.utils.parameters_to_vector(theirs).numpy())
    vec = np.random.default_rng(1).standard_normal(ours.shape[0]).astype(np.float32)
    nn.utils.vector_to_parameters(ag.tensor(vec), model.parameters())
    torch.nn.utils.vector_to_parameters(torch.tensor(vec), theirs)
    for p, q in zip(model.parameters(), theirs):
        np.testing.assert_array_equal(p._array, q.numpy())


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf"), 0.5])
def test_clip_grad_norm_on_a_model_matches_torch_float32(norm_type):
    torch = pytest.importorskip("torch")
    model, weights = model_and_weights()
    x = np.random.default_rng(2).standard_normal((8, 3)).astype(np.float32)
    loss = model(ag.tensor(x)).pow(2).sum()
    loss.backward()
    grads = [p.grad._array.copy() for p in model.parameters()]
    theirs = [torch.tensor(w, requires_grad=True) for w in weights]
    for q, g in zip(theirs, grads):
        q.grad = torch.tensor(g)
    total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm=0.5, norm_type=norm_type)
    assert isinstance(total, ag.Tensor) and total.dtype == ag.float32
    assert total.item() == pytest.approx(expected.item(), rel=1e-6)
    for p, q in zip(model.parameters(), theirs):
        np.testing.assert_allclose(p.grad._array, q.grad.numpy(), rtol=1e-6, atol=1e-7)


def test_clip_grad_norm_by_its_formula():
    model, _ = model_and_weights()
    for p in model.parameters():
        p.grad = ag.ones_like(p) * 3.0
    n = sum(p.numel() for p in model.parameters())
    total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    assert total.item() == pytest.approx(3.0 * np.sqrt(n), rel=1e-6)
    flat = nn.utils.parameters_to_vector(p.grad for p in model.parameters())
    assert flat.norm().item() == pytest.approx(1.0, rel=1e-5)  # scaled to max_norm / (1 + tiny)
    total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0, norm_type=float("inf"))
    assert total.item() == pytest.approx(1.0 / np.sqrt(n), rel=1e-5)
