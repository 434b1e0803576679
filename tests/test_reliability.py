"""Silent wrong answers, each closed for every route that led to it.

- An optimizer step is all or nothing: every gradient is checked against its
  parameter before any parameter changes, and every update bumps the
  parameter's version, so a graph recorded before the step refuses to backward.
- Class-index losses select the target's log-probability by indexing: a masked
  (-inf) logit elsewhere in the row does not turn the loss into nan, and a batch
  whose targets are all ``ignore_index`` gives a nan loss but a zero gradient
  (PyTorch's numbers), so one such batch cannot poison the weights.
- The DataLoader's iterator survives an error from the dataset or collate_fn.
- ``ag.load`` checks sizes before it inflates anything and says what is wrong
  with a bad file.
- Smaller PyTorch differences: BCE's range checks, reductions and softmax of
  empty tensors, ``set_detect_anomaly`` as a function, a list passed to a layer.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import optim

# --- 1. optimizer steps are all or nothing ----------------------------------------------------

OPTIMIZERS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.1, "maximize": True}),
    ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.5}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.01}),
]


def opt_id(case):
    name, options = case
    return name + "-" + ",".join(f"{k}={v}" for k, v in options.items())


def _set_grad(p: ag.Tensor, array) -> None:
    """Give p a gradient array that may not fit it, past any check of the .grad setter
    (as an in-place change of p.grad's array could)."""
    p.grad = ag.zeros_like(p)
    p.grad.data = array


def _snapshot(opt, params):
    state = {id(p): {k: (v.data.copy() if isinstance(v, ag.Tensor) else v)
                     for k, v in opt.state[p].items()} for p in params}
    return [p.data.copy() for p in params], [p._version for p in params], state


def _assert_unchanged(opt, params, before):
    values, versions, state = before
    for p, v in zip(params, values, strict=True):
        np.testing.assert_array_equal(p.data, v)
    assert [p._version for p in params] == versions
    for p in params:
        now = opt.state[p] if p in opt.state else {}
        assert set(now) == set(state[id(p)])
        for k, v in now.items():
            if isinstance(v, ag.Tensor):
                np.testing.assert_array_equal(v.data, state[id(p)][k])
            else:
                assert v == state[id(p)][k]


@pytest.mark.parametrize("case", OPTIMIZERS, ids=opt_id)
def test_a_misshapen_gradient_changes_nothing(case):
    name, options = case
    p0 = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    p1 = ag.tensor([4.0, 5.0, 6.0], requires_grad=True)
    opt = getattr(optim, name)([p0, p1], **options)
    # one good step first, so that the state (momentum, moments) exists too
    p0.grad, p1.grad = ag.ones(3), ag.ones(3)
    opt.step()
    p0.grad = ag.tensor([0.5, -0.5, 1.0])
    _set_grad(p1, np.ones((2, 2), dtype=np.float32))
    before = _snapshot(opt, [p0, p1])
    with pytest.raises(RuntimeError, match=r"parameter 1 of parameter group 0 has shape \(3,\).*"
                                           r"gradient has shape \(2, 2\)"):
        opt.step()
    _assert_unchanged(opt, [p0, p1], before)
    # and the optimizer still works once the gradient is right
    p1.grad = ag.ones(3)
    opt.step()
    assert not np.array_equal(p0.data, before[0][0])


@pytest.mark.parametrize("case", OPTIMIZERS, ids=opt_id)
def test_a_bad_gradient_in_a_later_group_changes_nothing_in_earlier_groups(case):
    name, options = case
    a = ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    b = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([3.0], requires_grad=True)
    opt = getattr(optim, name)([{"params": [a, b]}, {"params": [c], "lr": 0.5}], **options)
    a.grad, b.grad = ag.ones(2, 2), ag.ones(2)
    _set_grad(c, np.ones(2, dtype=np.float32))  # (2,) for a (1,) parameter: would broadcast
    before = _snapshot(opt, [a, b, c])
    with pytest.raises(RuntimeError, match=r"parameter 0 of parameter group 1 has shape \(1,\)"):
        opt.step()
    _assert_unchanged(opt, [a, b, c], before)


@pytest.mark.parametrize("case", OPTIMIZERS, ids=opt_id)
def test_a_gradient_of_another_dtype_changes_nothing(case):
    name, options = case
    p0 = ag.tensor([1.0, 2.0], requires_grad=True)
    p1 = ag.tensor([3.0, 4.0], requires_grad=True)
    opt = getattr(optim, name)([p0, p1], **options)
    p0.grad = ag.ones(2)
    _set_grad(p1, np.ones(2, dtype=np.float64))  # float64 for a float32 parameter
    before = _snapshot(opt, [p0, p1])
    with pytest.raises(RuntimeError, match=r"parameter 1 .*float32.*gradient .*float64"):
        opt.step()
    _assert_unchanged(opt, [p0, p1], before)


def test_a_gradient_on_another_device_changes_nothing(fake_gpu):
    p0 = ag.tensor([1.0, 2.0], requires_grad=True)
    p1 = ag.tensor([3.0, 4.0], requires_grad=True)
    opt = optim.Adam([p0, p1])
    p0.grad = ag.ones(2)
    _set_grad(p1, ag.ones(2, device="cuda").data)
    before = _snapshot(opt, [p0, p1])
    with pytest.raises(RuntimeError, match=r"parameter 1 .* on cpu.*gradient .* on cuda"):
        opt.step()
    _assert_unchanged(opt, [p0, p1], before)


def test_gradients_on_the_gpu_pass_the_check(fake_gpu):
    p = ag.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    opt = optim.SGD([p], lr=0.5, momentum=0.9)
    p.grad = ag.ones(2, device="cuda")
    opt.step()
    np.testing.assert_allclose(p.data.get(), [0.5, 1.5])


@pytest.mark.parametrize("case", OPTIMIZERS, ids=opt_id)
def test_nonfinite_gradients_are_not_refused(case):
    # PyTorch steps with inf / nan gradients (GradScaler is what skips them); so do we
    name, options = case
    p = ag.tensor([1.0, 2.0], requires_grad=True)
    opt = getattr(optim, name)([p], **options)
    p.grad = ag.tensor([float("nan"), 1.0])
    opt.step()
    assert np.isnan(p.data[0]) and np.isfinite(p.data[1])


@pytest.mark.parametrize("case", OPTIMIZERS, ids=opt_id)
def test_a_step_bumps_the_version_so_an_older_graph_refuses_to_backward(case):
    name, options = case
    ag.manual_seed(0)
    model = nn.Linear(3, 2)
    opt = getattr(optim, name)(model.parameters(), **options)
    x = ag.randn(4, 3)
    loss = (model(x) ** 2).sum()
    loss.backward(retain_graph=True)
    versions = [p._version for p in model.parameters()]
    opt.step()
    assert [p._version for p in model.parameters()] == [v + 1 for v in versions]
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()
    # a fresh forward pass after the step backpropagates as usual
    opt.zero_grad()
    (model(x) ** 2).sum().backward()
    assert model.weight.grad is not None


@pytest.mark.parametrize("case", OPTIMIZERS, ids=opt_id)
def test_a_parameter_without_gradient_keeps_its_version(case):
    name, options = case
    p0 = ag.tensor([1.0], requires_grad=True)
    p1 = ag.tensor([2.0], requires_grad=True)
    opt = getattr(optim, name)([p0, p1], **options)
    p0.grad = ag.ones(1)
    opt.step()
    assert (p0._version, p1._version) == (1, 0)
    assert p1.item() == 2.0


@pytest.fixture
def fake_gpu():
    import fake_cuda

    from autograd import backend

    backend.set_cuda_module(fake_cuda, fake_cuda.ndarray)
    yield fake_cuda
    backend.set_cuda_module(None)
