"""The fast paths taken for the default case must give exactly what the general path gives.

- ``F.cross_entropy`` with class indices, no weight, no label smoothing and no
  ignored target runs the fused ``CrossEntropyIndexLoss``; everything else runs
  ``class_coefficients`` + ``CrossEntropyLoss``.
- ``optim.SGD`` without momentum, weight decay or maximize runs a plain
  theta <- theta - lr g loop.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import optim
from autograd.ops import losses as L


def _general_cross_entropy(x: ag.Tensor, target: np.ndarray, reduction: str) -> ag.Tensor:
    """The general path, forced: one-hot coefficients Q and the unfused op."""
    q, denominator = L.class_coefficients(np, target, x.shape[1], x.data.dtype, None, -100, 0.0)
    return L.CrossEntropyLoss.apply(x, None, q, denominator, None, reduction)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fused_cross_entropy_equals_general_path(reduction: str, dtype: type) -> None:
    rng = np.random.default_rng(0)
    logits = (rng.standard_normal((7, 5)) * 4).astype(dtype)
    target = rng.integers(0, 5, 7)
    x_fast = ag.tensor(logits, requires_grad=True)
    x_general = ag.tensor(logits, requires_grad=True)
    fast = F.cross_entropy(x_fast, ag.tensor(target), reduction=reduction)
    general = _general_cross_entropy(x_general, target, reduction)
    assert fast.grad_fn.name() == "CrossEntropyIndexLossBackward"
    np.testing.assert_array_equal(fast.data, general.data)
    upstream = rng.standard_normal(fast.shape).astype(dtype)
    fast.backward(ag.tensor(upstream))
    general.backward(ag.tensor(upstream))
    np.testing.assert_array_equal(x_fast.grad.data, x_general.grad.data)
    assert x_fast.grad.dtype == x_fast.dtype


def test_fused_cross_entropy_by_hand() -> None:
    x = ag.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], dtype=ag.float64, requires_grad=True)
    loss = F.cross_entropy(x, ag.tensor([2, 0]))
    log_sum = math.log(math.exp(1) + math.exp(2) + math.exp(3))
    expected = ((log_sum - 3.0) + math.log(3.0)) / 2
    assert loss.item() == pytest.approx(expected, rel=1e-12)
    loss.backward()
    softmax = np.exp([1.0, 2.0, 3.0]) / math.exp(log_sum)
    np.testing.assert_allclose(x.grad.data[0], (softmax - [0, 0, 1]) / 2, rtol=1e-12)
    np.testing.assert_allclose(x.grad.data[1], (np.full(3, 1 / 3) - [1, 0, 0]) / 2, rtol=1e-12)


def test_fused_cross_entropy_extreme_logits_stay_finite() -> None:
    x = ag.tensor([[1000.0, -1000.0, 0.0]], requires_grad=True)
    loss = F.cross_entropy(x, ag.tensor([1]))
    assert loss.item() == pytest.approx(2000.0)
    loss.backward()
    np.testing.assert_allclose(x.grad.data, [[1.0, -1.0, 0.0]], atol=1e-6)


def test_fused_cross_entropy_unbatched() -> None:
    x = ag.tensor([0.5, -1.0, 2.0], dtype=ag.float64, requires_grad=True)
    none = F.cross_entropy(x, ag.tensor(1), reduction="none")
    assert none.shape == ()
    mean = F.cross_entropy(x, ag.tensor(1))
    expected = math.log(sum(math.exp(v) for v in (0.5, -1.0, 2.0))) + 1.0
    assert none.item() == pytest.approx(expected) and mean.item() == pytest.approx(expected)


def test_fused_cross_entropy_gradcheck_and_second_order() -> None:
    rng = np.random.default_rng(1)
    x = ag.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    target = ag.tensor([0, 2, 1, 2])
    for reduction in ("mean", "sum", "none"):
        def loss(t: ag.Tensor, reduction: str = reduction) -> ag.Tensor:
            return F.cross_entropy(t, target, reduction=reduction)

        assert ag.gradcheck(loss, (x,))
        assert ag.gradgradcheck(loss, (x,))


def test_fused_cross_entropy_retain_graph_backward_twice() -> None:
    x = ag.tensor([[0.3, -0.2, 0.9]], requires_grad=True)
    loss = F.cross_entropy(x, ag.tensor([0]))
    loss.backward(retain_graph=True)
    first = x.grad.data.copy()
    loss.backward()
    np.testing.assert_allclose(x.grad.data, 2 * first, rtol=1e-6)


@pytest.mark.parametrize("kwargs, target", [
    ({"weight": ag.tensor([1.0, 2.0, 0.5])}, [0, 2]),
    ({"label_smoothing": 0.1}, [0, 2]),
    ({"ignore_index": 2}, [0, 2]),
    ({}, [0, -100]),  # the default ignore_index is present
])
def test_other_cases_take_the_general_path(kwargs: dict, target: list) -> None:
    x = ag.tensor([[0.1, 0.2, 0.3], [1.0, -1.0, 0.0]], requires_grad=True)
    loss = F.cross_entropy(x, ag.tensor(target), **kwargs)
    assert loss.grad_fn.name() == "CrossEntropyLossBackward"


def test_ignore_index_inside_class_range_but_absent_is_fused() -> None:
    x = ag.tensor([[0.1, 0.2, 0.3], [1.0, -1.0, 0.0]], requires_grad=True)
    loss = F.cross_entropy(x, ag.tensor([0, 2]), ignore_index=1)
    assert loss.grad_fn.name() == "CrossEntropyIndexLossBackward"
    assert loss.item() == pytest.approx(F.cross_entropy(x, ag.tensor([0, 2])).item())


def test_out_of_range_target_still_raises() -> None:
    x = ag.tensor([[0.1, 0.2, 0.3]], requires_grad=True)
    with pytest.raises(IndexError, match="Target 3 is out of bounds"):
        F.cross_entropy(x, ag.tensor([3]))


def test_fused_cross_entropy_against_torch() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    logits = rng.standard_normal((6, 4)).astype(np.float32)
    target = rng.integers(0, 4, 6)
    x = ag.tensor(logits, requires_grad=True)
    loss = nn.CrossEntropyLoss()(x, ag.tensor(target))
    loss.backward()
    tx = torch.tensor(logits, requires_grad=True)
    tloss = torch.nn.CrossEntropyLoss()(tx, torch.tensor(target))
    tloss.backward()
    assert loss.item() == pytest.approx(tloss.item(), rel=1e-6)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_plain_sgd_step_formula_and_grad_untouched() -> None:
    w = ag.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
    b = ag.tensor([0.25, -0.75], requires_grad=True)
    unused = ag.tensor([9.0], requires_grad=True)
    opt = optim.SGD([w, b, unused], lr=0.1)
    w_array = w.data
    w.grad = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
    b.grad = ag.tensor([-1.0, 1.0])
    opt.step()
    np.testing.assert_allclose(w.data, [[0.9, -2.2], [0.2, 2.6]], rtol=1e-6)
    np.testing.assert_allclose(b.data, [0.35, -0.85], rtol=1e-6)
    assert unused.data[0] == 9.0  # no gradient: no update
    assert w.data is w_array  # updated in place
    np.testing.assert_array_equal(w.grad.data, [[1.0, 2.0], [3.0, 4.0]])  # p.grad unchanged


def test_plain_sgd_equals_general_path() -> None:
    """momentum=0 takes the plain loop; a zero dampening momentum run of one step equals it."""
    rng = np.random.default_rng(3)
    start = rng.standard_normal((3, 4)).astype(np.float32)
    grad = rng.standard_normal((3, 4)).astype(np.float32)
    results = []
    for momentum in (0.0, 0.9):  # the first step of momentum SGD is theta - lr g too
        p = ag.tensor(start.copy(), requires_grad=True)
        p.grad = ag.tensor(grad)
        optim.SGD([p], lr=0.05, momentum=momentum).step()
        results.append(p.data.copy())
    np.testing.assert_array_equal(results[0], results[1])
    np.testing.assert_array_equal(results[0], start - grad * np.float32(0.05))
