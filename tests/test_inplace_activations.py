"""In-place element-wise ops and activations: ``x.relu_()``, ``F.relu(x, inplace=True)``,
``nn.ReLU(inplace=True)``, ... change ``x`` and return it, as in PyTorch.

Not recorded (no grad needed, or under ``no_grad``), the result is written into x's
array and x counts a version; recorded (x is a non-leaf that requires grad), x takes the
result's place in the graph, so gradients flow through the op; a leaf that requires grad
is refused.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd.ops.table import IN_PLACE_TWINS

# inside every twin's domain (log, sqrt, asin, acos, rsqrt), away from kinks
VALUES = np.array([0.15, 0.4, 0.65, 0.9], dtype=np.float32)


@pytest.mark.parametrize("name", IN_PLACE_TWINS)
def test_twin_writes_the_result_into_the_tensor_and_returns_it(name):
    x = ag.tensor(VALUES)
    expected = getattr(ag.tensor(VALUES), name)().numpy()
    out = getattr(x, name + "_")()
    assert out is x
    np.testing.assert_array_equal(x.numpy(), expected)
    assert x._version == 1
    assert x.dtype == ag.float32


@pytest.mark.parametrize("name", IN_PLACE_TWINS)
def test_twin_on_a_non_leaf_is_recorded_and_gives_the_out_of_place_gradient(name):
    w = ag.tensor(VALUES, requires_grad=True)
    h = w * 1.0
    mul_node = h.grad_fn
    getattr(h, name + "_")()
    assert h.grad_fn is not None and h.grad_fn is not mul_node
    assert mul_node in h.grad_fn.edges  # the op's node, fed by the product
    (h * ag.tensor([1.0, -2.0, 3.0, 0.5])).sum().backward()

    w2 = ag.tensor(VALUES, requires_grad=True)
    (getattr(w2 * 1.0, name)() * ag.tensor([1.0, -2.0, 3.0, 0.5])).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), w2.grad.numpy())


def test_twin_passes_gradcheck():
    x = ag.tensor(np.array([0.3, -0.7, 1.2]), requires_grad=True)

    def f(x):
        h = x * 2.0
        h.tanh_()
        return h.sigmoid_()

    assert ag.gradcheck(f, (x,))


def test_a_leaf_that_requires_grad_is_refused_and_left_as_it_was():
    w = ag.tensor([-1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used "
                                           "in an in-place operation"):
        w.relu_()
    np.testing.assert_array_equal(w.detach().numpy(), [-1.0, 2.0])
    with ag.no_grad():  # as an optimizer or an initialiser would
        w.relu_()
    np.testing.assert_array_equal(w.detach().numpy(), [0.0, 2.0])
    assert w.requires_grad and w.grad_fn is None and w._version == 1


def test_the_dtype_is_kept_or_the_op_refused():
    i = ag.tensor([3, -2])
    assert i.relu_() is i and i.dtype == ag.int64
    np.testing.assert_array_equal(i.numpy(), [3, 0])
    with pytest.raises(RuntimeError, match="result type .*float32 can't be cast to the desired "
                                           "output type .*int64"):
        i.sigmoid_()
    np.testing.assert_array_equal(i.numpy(), [3, 0])
    assert i._version == 1


def test_a_saved_input_changed_by_a_twin_makes_backward_raise():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    x = ag.tensor([-3.0, 4.0])
    y = (w * x).sum()  # Mul saved x
    x.relu_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


def test_a_twin_writes_through_a_view_when_not_recorded():
    base = ag.tensor([-1.0, -2.0, 3.0])
    view = base[0:2]
    view.relu_()
    np.testing.assert_array_equal(base.numpy(), [0.0, 0.0, 3.0])


@pytest.mark.parametrize("call, out_of_place", [
    (lambda h: F.relu(h, inplace=True), F.relu),
    (F.relu_, F.relu),
    (lambda h: F.leaky_relu(h, 0.2, inplace=True), lambda h: F.leaky_relu(h, 0.2)),
    (lambda h: F.leaky_relu_(h, 0.2), lambda h: F.leaky_relu(h, 0.2)),
    (lambda h: F.elu(h, 0.5, inplace=True), lambda h: F.elu(h, 0.5)),
    (lambda h: F.elu_(h, 0.5), lambda h: F.elu(h, 0.5)),
    (lambda h: F.silu(h, inplace=True), F.silu),
])
def test_functional_inplace_changes_the_input_and_keeps_the_gradient(call, out_of_place):
    data = np.array([[-1.5, 0.5], [2.0, -0.25]], dtype=np.float32)
    x = ag.tensor(data, requires_grad=True)
    h = x * 2.0
    out = call(h)
    assert out is h
    expected = out_of_place(ag.tensor(data) * 2.0)
    np.testing.assert_array_equal(h.detach().numpy(), expected.numpy())
    (h * h).sum().backward()

    x2 = ag.tensor(data, requires_grad=True)
    y2 = out_of_place(x2 * 2.0)
    (y2 * y2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), x2.grad.numpy())


@pytest.mark.parametrize("layer, plain", [
    (nn.ReLU(inplace=True), nn.ReLU()),
    (nn.LeakyReLU(0.1, inplace=True), nn.LeakyReLU(0.1)),
    (nn.ELU(0.7, inplace=True), nn.ELU(0.7)),
    (nn.SiLU(inplace=True), nn.SiLU()),
])
def test_inplace_layers_train_as_the_plain_ones(layer, plain):
    def grads(activation):
        ag.manual_seed(0)
        model = nn.Sequential(nn.Linear(3, 4), activation, nn.Linear(4, 1))
        x = ag.randn(5, 3)
        hidden = model[0](x)
        out = model[1](hidden)
        assert (out is hidden) == activation.inplace
        loss = model[2](out).pow(2).mean()
        loss.backward()
        return loss.item(), [p.grad.numpy() for p in model.parameters()]

    loss, g = grads(layer)
    loss_plain, g_plain = grads(plain)
    assert loss == loss_plain
    for a, b in zip(g, g_plain):
        np.testing.assert_array_equal(a, b)


def test_dropout_inplace_draws_the_same_mask_and_writes_it_into_the_input():
    data = np.arange(1.0, 9.0, dtype=np.float32).reshape(2, 4)
    ag.manual_seed(3)
    expected = F.dropout(ag.tensor(data), 0.5).numpy()
    ag.manual_seed(3)
    x = ag.tensor(data)
    assert F.dropout(x, 0.5, inplace=True) is x
    np.testing.assert_array_equal(x.numpy(), expected)
    assert set(np.unique(expected)) - set(2 * data.ravel()) == {0.0}

    zeros = ag.tensor(data)
    assert F.dropout(zeros, 1.0, inplace=True) is zeros
    np.testing.assert_array_equal(zeros.numpy(), np.zeros_like(data))
    kept = ag.tensor(data)
    layer = nn.Dropout(0.5, inplace=True).eval()
    assert layer(kept) is kept and kept._version == 0


def test_pytorch_agrees_on_values_and_gradients():
    torch = pytest.importorskip("torch")
    data = np.array([0.15, 0.4, 0.65, 0.9], dtype=np.float32)
    for name in IN_PLACE_TWINS:
        x = ag.tensor(data, requires_grad=True)
        h = x * 3.0
        getattr(h, name + "_")()
        (h * h).sum().backward()
        tx = torch.tensor(data, requires_grad=True)
        th = tx * 3.0
        getattr(th, name + "_")()
        (th * th).sum().backward()
        np.testing.assert_allclose(h.detach().numpy(), th.detach().numpy(), rtol=2e-6,
                                   err_msg=name)
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=2e-5, atol=1e-6,
                                   err_msg=name)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        torch.tensor([1.0], requires_grad=True).relu_()
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type"):
        torch.tensor([1, 2]).sigmoid_()
