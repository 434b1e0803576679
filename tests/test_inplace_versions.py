"""In-place changes of values that backward still needs are refused, as in PyTorch.

Every tensor counts its in-place changes (``_version``); a node remembers the
versions of the inputs it saved, and backward raises if one has moved on,
instead of computing gradients from changed values.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
import optim
from autograd.function import FREED


def test_a_saved_input_changed_under_no_grad_makes_backward_raise():
    w = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x = ag.tensor([4.0, 5.0, 6.0])
    y = (w * x).sum()  # Mul saves w and x
    with ag.no_grad():
        x.mul_(2)
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation.*version 1; "
                                           r"expected version 0"):
        y.backward()


def test_each_in_place_op_counts_a_version():
    t = ag.zeros(3)
    with ag.no_grad():
        t.add_(1)
        t.mul_(2)
        t.zero_()
        t.fill_(3.0)
        t.copy_(ag.ones(3))
        t.clamp_(0, 1)
        t[0] = 5.0
        t.uniform_()
    assert t._version == 8


def test_an_optimizer_step_between_forward_and_backward_is_refused():
    ag.manual_seed(0)
    model = nn.Linear(3, 1)
    opt = optim.SGD(model.parameters(), lr=0.1)
    # the input needs a gradient, which needs the weight: Linear saved it (as in PyTorch, a
    # weight that no gradient needs is not saved, and changing it is no error)
    loss = model(ag.randn(4, 3, requires_grad=True)).sum()
    loss.backward(retain_graph=True)
    opt.step()  # changes the weight that Linear saved
    with pytest.raises(RuntimeError, match="Parameter of shape \\(1, 3\\)"):
        loss.backward()


def test_an_optimizer_step_changes_nothing_saved_when_the_input_needs_no_gradient():
    ag.manual_seed(0)
    model = nn.Linear(3, 1)
    opt = optim.SGD(model.parameters(), lr=0.1)
    x = ag.randn(4, 3)
    loss = model(x).sum()
    loss.backward(retain_graph=True)
    opt.step()
    loss.backward()  # dL/dW = sum of the rows of x: no saved value changed, as in PyTorch
    np.testing.assert_allclose(model.weight.grad.numpy(), 2 * x.numpy().sum(0, keepdims=True),
                               rtol=1e-6)


def test_the_usual_training_loop_is_unaffected():
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    opt = optim.Adam(model.parameters(), lr=0.01)
    x, t = ag.randn(8, 2), ag.randn(8, 1)
    losses = []
    for _ in range(20):
        opt.zero_grad()
        loss = ((model(x) - t) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]


def test_changing_an_input_that_was_not_saved_is_harmless():
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    b = ag.tensor([3.0, 4.0])
    y = (a + b).sum()  # Add saves nothing: its gradient does not depend on the values
    with ag.no_grad():
        b.add_(1)
    y.backward()
    np.testing.assert_array_equal(a.grad.numpy(), [1.0, 1.0])


def test_a_recorded_in_place_update_of_a_saved_value_is_refused_as_pytorch():
    # A recorded in-place update writes into the tensor's memory and moves its version on:
    # a node that saved the old values refuses backward, as in PyTorch.
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 1.0
    y = (h * h).sum()
    h.add_(10.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


def test_pytorch_raises_the_same_error():
    torch = pytest.importorskip("torch")
    w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x = torch.tensor([4.0, 5.0, 6.0])
    y = (w * x).sum()
    with torch.no_grad():
        x.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


def test_backward_drops_the_version_records_with_the_saved_values():
    # They hold the input tensors, and so their arrays: keeping them would keep every
    # activation alive until the graph dies (the W4 memory benchmark caught this).
    w = ag.randn(3, requires_grad=True)
    x = ag.randn(3)
    y = w * x
    node = y.grad_fn
    assert node._saved_versions is not None
    y.sum().backward()
    assert node.saved_tensors is FREED and node._saved_versions is None
