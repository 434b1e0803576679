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
    p.grad._array = array


def _snapshot(opt, params):
    state = {id(p): {k: (v._array.copy() if isinstance(v, ag.Tensor) else v)
                     for k, v in opt.state[p].items()} for p in params}
    return [p._array.copy() for p in params], [p._version for p in params], state


def _assert_unchanged(opt, params, before):
    values, versions, state = before
    for p, v in zip(params, values, strict=True):
        np.testing.assert_array_equal(p._array, v)
    assert [p._version for p in params] == versions
    for p in params:
        now = opt.state[p] if p in opt.state else {}
        assert set(now) == set(state[id(p)])
        for k, v in now.items():
            if isinstance(v, ag.Tensor):
                np.testing.assert_array_equal(v._array, state[id(p)][k])
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
    assert not np.array_equal(p0._array, before[0][0])


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
    _set_grad(p1, ag.ones(2, device="cuda")._array)
    before = _snapshot(opt, [p0, p1])
    with pytest.raises(RuntimeError, match=r"parameter 1 .* on cpu.*gradient .* on cuda"):
        opt.step()
    _assert_unchanged(opt, [p0, p1], before)


def test_gradients_on_the_gpu_pass_the_check(fake_gpu):
    p = ag.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    opt = optim.SGD([p], lr=0.5, momentum=0.9)
    p.grad = ag.ones(2, device="cuda")
    opt.step()
    np.testing.assert_allclose(p._array.get(), [0.5, 1.5])


@pytest.mark.parametrize("case", OPTIMIZERS, ids=opt_id)
def test_nonfinite_gradients_are_not_refused(case):
    # PyTorch steps with inf / nan gradients (GradScaler is what skips them); so do we
    name, options = case
    p = ag.tensor([1.0, 2.0], requires_grad=True)
    opt = getattr(optim, name)([p], **options)
    p.grad = ag.tensor([float("nan"), 1.0])
    opt.step()
    assert np.isnan(p._array[0]) and np.isfinite(p._array[1])


@pytest.mark.parametrize("case", OPTIMIZERS, ids=opt_id)
def test_a_step_bumps_the_version_so_an_older_graph_refuses_to_backward(case):
    name, options = case
    ag.manual_seed(0)
    model = nn.Linear(3, 2)
    opt = getattr(optim, name)(model.parameters(), **options)
    x = ag.randn(4, 3, requires_grad=True)  # its gradient needs the weight: Linear saves it
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


# --- 2, 3. class-index losses: ignored batches and masked logits ------------------------------

INF = float("inf")
# logits with masked (-inf) classes: row 0 masks class 1, row 1 class 2, row 2 class 0
MASKED = np.array([[0.0, -INF, 1.0, 0.5], [2.0, 0.5, -INF, -1.0], [-INF, 0.3, 0.1, 0.7]])
WEIGHT = np.array([1.0, 2.0, 0.5, 3.0])

# (name, loss of (x, module), target, options); module is F or torch.nn.functional
LOSS_CASES = [
    ("ce", [2, 0, 3], {}),
    ("ce", [2, 0, 3], {"weight": True}),
    ("ce", [2, -100, 3], {}),
    ("ce", [1, 0, -100], {}),  # a target on its own masked logit: inf, as in PyTorch
    ("ce", [2, 0, -100], {"weight": True}),
    ("ce", [-100, -100, -100], {}),
    ("ce", [-100, -100, -100], {"weight": True}),
    ("ce", [-100, -100, -100], {"label_smoothing": 0.2}),
    ("ce", [-100, -100, -100], {"weight": True, "label_smoothing": 0.2}),
    ("ce", [2, -100, 3], {"label_smoothing": 0.1}),
    ("ce", [2, -100, 3], {"weight": True, "label_smoothing": 0.1}),
    ("ce", [2, 7, 3], {"ignore_index": 7}),
    ("nll", [2, 0, 3], {}),
    ("nll", [2, 0, 3], {"weight": True}),
    ("nll", [1, -100, 3], {}),
    ("nll", [2, -100, -100], {"weight": True}),
    ("nll", [-100, -100, -100], {}),
    ("nll", [-100, -100, -100], {"weight": True}),
    ("nll_of_log_softmax", [2, 0, 3], {}),
    ("nll_of_log_softmax", [2, -100, 1], {"weight": True}),
]


def _class_loss(name, fn, x, target, options, reduction, weight):
    opts = dict(options, reduction=reduction)
    if opts.pop("weight", False):
        opts["weight"] = weight
    if name == "ce":
        return fn.cross_entropy(x, target, **opts)
    if name == "nll":
        return fn.nll_loss(x, target, **opts)
    return fn.nll_loss(fn.log_softmax(x, dim=1), target, **opts)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("case", LOSS_CASES, ids=lambda c: f"{c[0]}-{c[1]}-{c[2]}")
def test_class_losses_with_masked_logits_and_ignored_targets_match_pytorch(case, reduction):
    torch = pytest.importorskip("torch")
    import torch.nn.functional as TF

    name, target, options = case
    x = ag.tensor(MASKED, dtype=ag.float64, requires_grad=True)
    tx = torch.tensor(MASKED, dtype=torch.float64, requires_grad=True)
    theirs = _class_loss(name, TF, tx, torch.tensor(target), options, reduction,
                         torch.tensor(WEIGHT, dtype=torch.float64))
    upstream = np.linspace(0.5, 1.5, theirs.numel()).reshape(theirs.shape)
    with np.errstate(all="raise"):  # no 0 * inf on the way (a 0 / 0 mean is meant)
        ours = _class_loss(name, F, x, ag.tensor(target), options, reduction,
                           ag.tensor(WEIGHT, dtype=ag.float64))
        ours.backward(ag.tensor(upstream, dtype=ag.float64))
    np.testing.assert_allclose(ours._array, theirs.detach().numpy(), rtol=1e-12, atol=1e-15)
    theirs.backward(torch.tensor(upstream, dtype=torch.float64))
    np.testing.assert_allclose(x.grad._array, tx.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_the_issue_example_nll_of_a_masked_log_softmax():
    x = ag.tensor([[0.0, float("-inf"), 1.0]], requires_grad=True)
    loss = F.nll_loss(F.log_softmax(x, dim=1), ag.tensor([2]))
    assert loss.item() == pytest.approx(np.log1p(np.exp(-1.0)), rel=1e-6)  # 0.3133
    loss.backward()
    p = 1 / (1 + np.e)
    np.testing.assert_allclose(x.grad._array, [[p, 0.0, -p]], rtol=1e-6)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("options", [{}, {"weight": True}, {"label_smoothing": 0.3},
                                     {"weight": True, "label_smoothing": 0.1}],
                         ids=["plain", "weight", "smoothing", "weight+smoothing"])
@pytest.mark.parametrize("shape", [(5, 4), (5, 4, 3)], ids=["2d", "3d"])
def test_cross_entropy_of_an_all_ignored_batch_has_a_zero_gradient(reduction, options, shape):
    rng = np.random.default_rng(1)
    x = ag.tensor(rng.standard_normal(shape), requires_grad=True)
    target = ag.full((shape[0],) + shape[2:], -100, dtype=ag.int64)
    weight = ag.tensor(WEIGHT, dtype=ag.float32)
    with np.errstate(all="raise"):  # nothing may compute 0 * inf on the way
        loss = _class_loss("ce", F, x, target, options, reduction, weight)
    expected = np.nan if reduction == "mean" else 0.0
    np.testing.assert_array_equal(loss._array, np.full(loss.shape, expected, dtype=np.float32))
    loss.sum().backward() if reduction == "none" else loss.backward()
    np.testing.assert_array_equal(x.grad._array, np.zeros(shape, dtype=np.float32))


@pytest.mark.parametrize("loss_fn", [
    lambda y, t: F.cross_entropy(y, t),
    lambda y, t: F.cross_entropy(y, t, weight=ag.tensor([1.0, 2.0, 3.0])),
    lambda y, t: F.cross_entropy(y, t, label_smoothing=0.1),
    lambda y, t: F.nll_loss(F.log_softmax(y, dim=1), t),
    lambda y, t: nn.CrossEntropyLoss()(y, t),
    lambda y, t: nn.NLLLoss(weight=ag.tensor([1.0, 2.0, 3.0]))(F.log_softmax(y, dim=1), t),
], ids=["ce", "ce-weight", "ce-smoothing", "nll", "CrossEntropyLoss", "NLLLoss-weight"])
@pytest.mark.parametrize("opt_cls", [optim.SGD, optim.Adam])
def test_an_all_ignored_batch_leaves_the_weights_finite_and_unchanged(loss_fn, opt_cls):
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    opt = opt_cls(model.parameters(), lr=0.1)
    before = [p._array.copy() for p in model.parameters()]
    loss = loss_fn(model(ag.randn(5, 4)), ag.full((5,), -100, dtype=ag.int64))
    assert np.isnan(loss.item())  # PyTorch's loss: 0 / 0
    loss.backward()
    opt.step()
    for p, b in zip(model.parameters(), before, strict=True):
        np.testing.assert_array_equal(p._array, b)


def test_an_all_ignored_batch_on_the_gpu_has_a_zero_gradient(fake_gpu):
    # the fused loss masks ignore_index itself on a GPU
    x = ag.randn(4, 3, device="cuda", requires_grad=True)
    loss = F.cross_entropy(x, ag.full((4,), -100, dtype=ag.int64, device="cuda"))
    assert loss.grad_fn.name() == "NllLossBackward0"
    loss.backward()
    np.testing.assert_array_equal(x.grad._array.get(), np.zeros((4, 3), dtype=np.float32))
    # a masked logit in an ignored row: no 0 * -inf in the loss either
    y = ag.tensor([[float("-inf"), 1.0], [0.0, 1.0]], device="cuda", requires_grad=True)
    loss = F.cross_entropy(y, ag.tensor([-100, 1], device="cuda"))
    assert loss.item() == pytest.approx(np.log1p(np.exp(-1.0)), rel=1e-6)
    loss.backward()
    assert np.isfinite(y.grad._array.get()).all()


@pytest.mark.parametrize("options", [{"weight": True}, {"label_smoothing": 0.2},
                                     {"weight": True, "label_smoothing": 0.1}, {"nll": True}])
def test_masked_and_ignored_losses_on_the_gpu_equal_the_cpu(fake_gpu, options):
    options = dict(options)
    name = "nll" if options.pop("nll", False) else "ce"
    results = []
    for device in ("cpu", "cuda"):
        x = ag.tensor(MASKED, dtype=ag.float64, device=device, requires_grad=True)
        loss = _class_loss(name, F, x, ag.tensor([2, -100, 3], device=device), options, "mean",
                           ag.tensor(WEIGHT, dtype=ag.float64, device=device))
        loss.backward()
        results.append((loss.detach().cpu().numpy(), x.grad.cpu().numpy()))
    (cpu_loss, cpu_grad), (gpu_loss, gpu_grad) = results
    assert np.isfinite(cpu_grad).all()  # (smoothing over a -inf logit: an inf loss, as PyTorch)
    np.testing.assert_allclose(gpu_loss, cpu_loss, rtol=1e-12)
    np.testing.assert_allclose(gpu_grad, cpu_grad, rtol=1e-12)


def test_partially_ignored_losses_pass_gradcheck():
    rng = np.random.default_rng(2)
    x = ag.tensor(rng.standard_normal((4, 3)), dtype=ag.float64, requires_grad=True)
    t = ag.tensor([2, -100, 0, -100])
    w = ag.tensor([0.5, 2.0, 1.5], dtype=ag.float64)
    assert ag.gradcheck(lambda u: F.cross_entropy(u, t, weight=w, label_smoothing=0.2), [x])
    assert ag.gradcheck(lambda u: F.nll_loss(u, t, weight=w), [x])
    assert ag.gradgradcheck(lambda u: F.cross_entropy(u, t, weight=w, label_smoothing=0.2), [x])


def test_an_all_ignored_batch_has_zero_second_derivatives():
    x = ag.tensor(np.random.default_rng(3).standard_normal((3, 4)), requires_grad=True)
    t = ag.full((3,), -100, dtype=ag.int64)
    for loss in (F.cross_entropy(x, t, weight=ag.ones(4)), F.nll_loss(x, t)):
        (g,) = ag.grad(loss, [x], create_graph=True)
        np.testing.assert_array_equal(g._array, np.zeros((3, 4), dtype=np.float32))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_probability_targets_with_masked_logits_match_pytorch(reduction):
    torch = pytest.importorskip("torch")
    import torch.nn.functional as TF

    probs = np.array([[0.0, 0.0, 1.0, 0.0], [0.7, 0.3, 0.0, 0.0], [0.0, 0.5, 0.25, 0.25]])
    for options in ({}, {"label_smoothing": 0.1}):
        x = ag.tensor(MASKED, dtype=ag.float64, requires_grad=True)
        tx = torch.tensor(MASKED, dtype=torch.float64, requires_grad=True)
        with np.errstate(invalid="ignore"):  # PyTorch's nan: 0 * log 0 with no smoothing
            ours = F.cross_entropy(x, ag.tensor(probs), reduction=reduction, **options)
        theirs = TF.cross_entropy(tx, torch.tensor(probs), reduction=reduction, **options)
        np.testing.assert_allclose(ours._array, theirs.detach().numpy(), rtol=1e-12)
        ours.sum().backward()
        theirs.sum().backward()
        np.testing.assert_allclose(x.grad._array, tx.grad.numpy(), rtol=1e-12, atol=1e-15)


# --- 6. smaller PyTorch differences -----------------------------------------------------------


@pytest.mark.parametrize("target", [[2.0, 0.5], [-0.1, 0.5], [float("nan"), 0.5]])
def test_binary_cross_entropy_refuses_targets_outside_0_1(target):
    x = ag.tensor([0.3, 0.6])
    for call in (lambda: F.binary_cross_entropy(x, ag.tensor(target)),
                 lambda: nn.BCELoss()(x, ag.tensor(target)),
                 lambda: F.binary_cross_entropy(x, ag.tensor(target), weight=ag.ones(2),
                                                reduction="none")):
        with pytest.raises(RuntimeError, match="all elements of target should be between 0 and 1"):
            call()


@pytest.mark.parametrize("x", [[1.5, 0.5], [-0.5, 0.5], [float("nan"), 0.5]])
def test_binary_cross_entropy_refuses_inputs_outside_0_1(x):
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        nn.BCELoss()(ag.tensor(x), ag.tensor([1.0, 0.0]))


def test_binary_cross_entropy_takes_the_ends_of_0_1():
    x = ag.tensor([0.0, 1.0, 0.25], requires_grad=True)
    loss = F.binary_cross_entropy(x, ag.tensor([0.0, 1.0, 1.0]), reduction="sum")
    assert loss.item() == pytest.approx(-np.log(0.25))


def test_binary_cross_entropy_range_errors_match_pytorch():
    torch = pytest.importorskip("torch")
    for x, t in [([0.5], [2.0]), ([1.5], [0.5]), ([1.5], [2.0])]:
        with pytest.raises(RuntimeError) as theirs:
            torch.nn.functional.binary_cross_entropy(torch.tensor(x), torch.tensor(t))
        with pytest.raises(RuntimeError) as ours:
            F.binary_cross_entropy(ag.tensor(x), ag.tensor(t))
        assert str(ours.value).startswith(str(theirs.value))


# (name, ours, PyTorch's with T = torch): the same call, on a (0, 3) tensor
EMPTY_CASES = [
    ("amax dim 1", lambda e: e.amax(dim=1), lambda e, T: e.amax(dim=1)),
    ("amin dim -1 keepdim", lambda e: e.amin(dim=-1, keepdim=True),
     lambda e, T: e.amin(dim=-1, keepdim=True)),
    ("max dim 1", lambda e: e.max(dim=1)[0], lambda e, T: e.max(dim=1)[0]),
    ("softmax dim 0", lambda e: ag.softmax(e, 0), lambda e, T: T.softmax(e, 0)),
    ("softmax dim 1", lambda e: F.softmax(e, dim=1), lambda e, T: T.softmax(e, 1)),
    ("log_softmax dim 0", lambda e: F.log_softmax(e, dim=0), lambda e, T: T.log_softmax(e, 0)),
    ("logsumexp dim 0", lambda e: e.logsumexp(0), lambda e, T: e.logsumexp(0)),
    ("logsumexp dim 1", lambda e: e.logsumexp(1), lambda e, T: e.logsumexp(1)),
    ("logsumexp all", lambda e: e.logsumexp((0, 1)), lambda e, T: e.logsumexp((0, 1))),
    ("sum dim 0", lambda e: e.sum(0), lambda e, T: e.sum(0)),
    ("sum", lambda e: e.sum(), lambda e, T: e.sum()),
    ("mean dim 0", lambda e: e.mean(0), lambda e, T: e.mean(0)),
    ("mean", lambda e: e.mean(), lambda e, T: e.mean()),
    ("mean dim 1", lambda e: e.mean(1), lambda e, T: e.mean(1)),
    ("prod dim 0", lambda e: e.prod(0), lambda e, T: e.prod(0)),
    ("norm dim 0", lambda e: e.norm(dim=0), lambda e, T: e.norm(dim=0)),
    ("cross_entropy", lambda e: F.cross_entropy(e, ag.zeros(0, dtype=ag.int64)),
     lambda e, T: T.nn.functional.cross_entropy(e, T.zeros(0, dtype=T.int64))),
    ("nll_loss sum", lambda e: F.nll_loss(e, ag.zeros(0, dtype=ag.int64), reduction="sum"),
     lambda e, T: T.nn.functional.nll_loss(e, T.zeros(0, dtype=T.int64), reduction="sum")),
]


@pytest.mark.parametrize("case", EMPTY_CASES, ids=[c[0] for c in EMPTY_CASES])
def test_reductions_of_an_empty_tensor_match_pytorch(case):
    torch = pytest.importorskip("torch")
    _, ours_fn, torch_fn = case
    x = ag.zeros(0, 3, dtype=ag.float64, requires_grad=True)
    tx = torch.zeros(0, 3, dtype=torch.float64, requires_grad=True)
    with np.errstate(all="raise"):  # no numpy warning on the way either
        ours = ours_fn(x)
        ours.sum().backward()
    theirs = torch_fn(tx, torch)
    theirs.sum().backward()
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_array_equal(ours._array, theirs.detach().numpy())
    assert x.grad.shape == (0, 3)


def test_reductions_of_an_empty_tensor_without_torch():
    e = ag.zeros(0, 3)
    assert e.amax(dim=1).shape == (0,)
    assert F.softmax(e, dim=0).shape == (0, 3)
    np.testing.assert_array_equal(e.logsumexp(0)._array, [-np.inf] * 3)
    np.testing.assert_array_equal(e.sum(0)._array, [0.0] * 3)
    np.testing.assert_array_equal(e.prod(0)._array, [1.0] * 3)
    assert np.isnan(e.mean(0)._array).all()


@pytest.mark.parametrize("call, error, message", [
    (lambda e: e.amax(dim=0), IndexError, r"amax\(\): Expected reduction dim 0 to have non-zero"),
    (lambda e: e.amin(dim=(0, 1)), IndexError, r"amin\(\): Expected reduction dim 0"),
    (lambda e: e.amax(), RuntimeError, r"amax\(\): Expected reduction dim to be specified for "
                                       r"input.numel\(\) == 0"),
    (lambda e: e.amin(dim=()), RuntimeError, "Expected reduction dim to be specified"),
    (lambda e: e.max(), RuntimeError, "Expected reduction dim to be specified"),
])
def test_the_max_of_nothing_is_an_error(call, error, message):
    with pytest.raises(error, match=message):
        call(ag.zeros(0, 3))


def test_an_empty_reduction_elsewhere_has_a_gradient():
    x = ag.tensor(np.ones((2, 0, 3)), requires_grad=True)
    y = x.amax(dim=2)
    assert y.shape == (2, 0)
    y.sum().backward()
    assert x.grad.shape == (2, 0, 3)


def test_set_detect_anomaly_as_a_function_turns_it_on_and_off():
    assert not ag.is_anomaly_enabled()
    try:
        ag.set_detect_anomaly(True)
        assert ag.is_anomaly_enabled()
        x = ag.tensor([0.0, 1.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="returned nan"), np.errstate(all="ignore"):
            (ag.log(x) * 0).sum().backward()
    finally:
        ag.set_detect_anomaly(False)
    assert not ag.is_anomaly_enabled()
    x = ag.tensor([0.0, 1.0], requires_grad=True)
    with np.errstate(all="ignore"):
        (ag.log(x) * 0).sum().backward()  # no check now: the nan reaches the gradient
    assert np.isnan(x.grad._array[0])


def test_set_detect_anomaly_as_a_context_restores_the_previous_state():
    with ag.set_detect_anomaly(True):
        assert ag.is_anomaly_enabled()
        with ag.set_detect_anomaly(False):
            assert not ag.is_anomaly_enabled()
        assert ag.is_anomaly_enabled()
        with ag.detect_anomaly():
            assert ag.is_anomaly_enabled()
        assert ag.is_anomaly_enabled()
    assert not ag.is_anomaly_enabled()
    ag.set_detect_anomaly(True)
    with ag.set_detect_anomaly(False):
        assert not ag.is_anomaly_enabled()
    assert ag.is_anomaly_enabled()
    ag.set_detect_anomaly(False)
    assert not ag.is_anomaly_enabled()


def test_anomaly_mode_in_one_thread_is_seen_by_its_ops_only():
    import threading

    seen = []
    ag.set_detect_anomaly(True)
    try:
        thread = threading.Thread(target=lambda: seen.append(ag.is_anomaly_enabled()))
        thread.start()
        thread.join()
    finally:
        ag.set_detect_anomaly(False)
    assert seen == [False]


@pytest.mark.parametrize("call, name, arg", [
    (lambda: nn.Linear(3, 2)([[1.0, 2.0, 3.0]]), "linear", "input"),
    (lambda: nn.Sequential(nn.Linear(3, 2), nn.ReLU())([[1.0, 2.0, 3.0]]), "linear", "input"),
    (lambda: F.linear(ag.ones(1, 3), [[1.0, 2.0, 3.0]]), "linear", "weight"),
    (lambda: F.linear(ag.ones(1, 3), ag.ones(2, 3), [1.0, 2.0]), "linear", "bias"),
    (lambda: nn.ReLU()([1.0]), "relu", "input"),
    (lambda: nn.Tanh()([1.0]), "tanh", "input"),
    (lambda: nn.Sigmoid()([1.0]), "sigmoid", "input"),
    (lambda: nn.GELU()([1.0]), "gelu", "input"),
    (lambda: nn.LeakyReLU()([1.0]), "leaky_relu", "input"),
    (lambda: nn.ELU()([1.0]), "elu", "input"),
    (lambda: nn.SiLU()([1.0]), "silu", "input"),
    (lambda: nn.Softplus()([1.0]), "softplus", "input"),
    (lambda: nn.Softmax(dim=0)([1.0]), "softmax", "input"),
    (lambda: nn.LogSoftmax(dim=0)([1.0]), "log_softmax", "input"),
    (lambda: nn.Dropout()([1.0]), "dropout", "input"),
    (lambda: nn.MSELoss()([1.0], ag.ones(1)), "mse_loss", "input"),
    (lambda: nn.BCELoss()(ag.ones(1), [1.0]), "binary_cross_entropy", "target"),
    (lambda: nn.CrossEntropyLoss()([[1.0, 2.0]], ag.tensor([0])), "cross_entropy", "input"),
    (lambda: nn.NLLLoss()([[1.0, 2.0]], ag.tensor([0])), "nll_loss", "input"),
])
def test_a_list_where_a_tensor_belongs_is_a_type_error(call, name, arg):
    position = {"input": 1, "weight": 2, "target": 2, "bias": 3}[arg]
    with pytest.raises(TypeError, match=rf"^{name}\(\): argument '{arg}' \(position "
                                        rf"{position}\) must be Tensor, not list$"):
        call()


def test_a_list_into_linear_gives_pytorchs_message():
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError) as theirs:
        torch.nn.Linear(3, 2)([[1.0, 2.0, 3.0]])
    with pytest.raises(TypeError) as ours:
        nn.Linear(3, 2)([[1.0, 2.0, 3.0]])
    assert str(ours.value) == str(theirs.value)


def test_a_tensor_whose_op_fails_keeps_its_own_error():
    with pytest.raises(Exception) as info:
        F.linear(ag.ones(1, 4), ag.ones(2, 3))
    assert "must be Tensor" not in str(info.value)


# --- 4. the DataLoader's iterator survives an error from the dataset --------------------------


class _Flaky(ag.data.Dataset):
    """Samples 0..n-1 as float tensors; reading any index in ``bad`` raises."""

    def __init__(self, n=10, bad=(5,)):
        self.n, self.bad = n, set(bad)

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i in self.bad:
            raise ValueError(f"sample {i} is corrupt")
        return ag.tensor([float(i)])


def _drain(iterator):
    """Every batch (as a list of sample numbers) or the error, until the epoch ends."""
    out = []
    while True:
        try:
            batch = next(iterator)
        except StopIteration:
            return out
        except ValueError as error:
            out.append(str(error))
        else:
            out.append(batch.numpy().ravel().astype(int).tolist())  # ours or PyTorch's


@pytest.mark.parametrize("batch_size, expected", [
    (1, [[0], [1], [2], [3], [4], "sample 5 is corrupt", [6], [7], [8], [9]]),
    (3, [[0, 1, 2], "sample 5 is corrupt", [6, 7, 8], [9]]),
    (None, [[0], [1], [2], [3], [4], "sample 5 is corrupt", [6], [7], [8], [9]]),
])
def test_an_error_in_one_batch_does_not_end_the_epoch(batch_size, expected):
    loader = ag.data.DataLoader(_Flaky(), batch_size=batch_size)
    assert _drain(iter(loader)) == expected
    assert _drain(iter(loader)) == expected  # and the next epoch starts afresh


def test_an_error_in_one_batch_matches_pytorch():
    torch = pytest.importorskip("torch")

    class TorchFlaky(torch.utils.data.Dataset):
        def __len__(self):
            return 10

        def __getitem__(self, i):
            if i == 5:
                raise ValueError(f"sample {i} is corrupt")
            return torch.tensor([float(i)])

    for batch_size, drop_last in [(1, False), (3, False), (4, True)]:
        theirs = _drain(iter(torch.utils.data.DataLoader(TorchFlaky(), batch_size=batch_size,
                                                         drop_last=drop_last)))
        ours = _drain(iter(ag.data.DataLoader(_Flaky(), batch_size=batch_size,
                                              drop_last=drop_last)))
        assert ours == theirs


def test_a_shuffled_epoch_keeps_its_order_past_an_error():
    clean = _drain(iter(ag.data.DataLoader(_Flaky(bad=()), batch_size=2, shuffle=True,
                                           generator=ag.Generator().manual_seed(7))))
    flaky = _drain(iter(ag.data.DataLoader(_Flaky(bad=(5,)), batch_size=2, shuffle=True,
                                           generator=ag.Generator().manual_seed(7))))
    assert len(flaky) == len(clean) == 5
    for got, want in zip(flaky, clean, strict=True):
        assert got == ("sample 5 is corrupt" if 5 in want else want)


def test_an_error_from_collate_fn_does_not_end_the_epoch():
    def collate(samples):
        if any(s.item() == 4.0 for s in samples):
            raise ValueError("cannot collate 4")
        return ag.stack(samples)

    loader = ag.data.DataLoader(_Flaky(n=7, bad=()), batch_size=2, collate_fn=collate)
    assert _drain(iter(loader)) == [[0, 1], [2, 3], "cannot collate 4", [6]]


def test_a_for_loop_can_be_resumed_on_the_same_iterator():
    it = iter(ag.data.DataLoader(_Flaky(), batch_size=4))
    seen = []
    with pytest.raises(ValueError, match="sample 5"):
        for batch in it:
            seen.append(batch._array.ravel().tolist())
    for batch in it:
        seen.append(batch._array.ravel().tolist())
    assert seen == [[0.0, 1.0, 2.0, 3.0], [8.0, 9.0]]
    assert list(it) == []  # an ended iterator stays ended


def test_the_loader_iterator_has_a_length():
    loader = ag.data.DataLoader(_Flaky(), batch_size=3)
    assert len(iter(loader)) == len(loader) == 4


# --- 5. ag.load: sizes checked before reading, clear errors for bad files ---------------------

import io  # noqa: E402
import json  # noqa: E402
import tracemalloc  # noqa: E402
import zipfile  # noqa: E402

from autograd.serialization import LoadError  # noqa: E402


def _structure(obj) -> np.ndarray:
    return np.frombuffer(json.dumps(obj).encode("utf-8"), dtype=np.uint8)


def _craft(members: dict, compress: dict | None = None) -> bytes:
    """A zip of .npy members (arrays, or raw bytes written as they are), as an attacker
    could make it; ``compress`` names the members to deflate."""
    compress = compress or {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for key, value in members.items():
            method = zipfile.ZIP_DEFLATED if key in compress else zipfile.ZIP_STORED
            info = zipfile.ZipInfo(key + ".npy")
            info.compress_type = method
            if isinstance(value, bytes):
                zf.writestr(info, value)
            else:
                out = io.BytesIO()
                np.lib.format.write_array(out, value, allow_pickle=True)
                zf.writestr(info, out.getvalue())
    return buffer.getvalue()


def _saved_bytes(obj) -> bytes:
    buffer = io.BytesIO()
    ag.save(obj, buffer)
    return buffer.getvalue()


def _load_error(data: bytes, tmp_path=None) -> str:
    """ag.load's message for ``data``, from a path and from a file object (the same words)."""
    with pytest.raises(LoadError) as from_object:
        ag.load(io.BytesIO(data))
    message = str(from_object.value)
    if tmp_path is not None:
        path = tmp_path / "bad.npz"
        path.write_bytes(data)
        with pytest.raises(LoadError) as from_path:
            ag.load(path)
        assert str(path) in str(from_path.value)
    for advice in ("allow_pickle", "too many values to unpack", "KeyError"):
        assert advice not in message
    return message


def test_a_good_checkpoint_still_loads_from_a_path_and_a_file_object(tmp_path):
    obj = {"w": ag.arange(6.0).reshape(2, 3), "step": 3, "pair": (ag.ones(1), [1, "a"]),
           "f": ag.tensor(np.asfortranarray(np.arange(6.0).reshape(2, 3))),
           "empty": ag.zeros(0, 4), "array": np.arange(3, dtype=np.int16)}
    ag.save(obj, tmp_path / "ok.npz")
    for source in (tmp_path / "ok.npz", str(tmp_path / "ok.npz"), io.BytesIO(_saved_bytes(obj))):
        back = ag.load(source)
        np.testing.assert_array_equal(back["w"]._array, obj["w"]._array)
        np.testing.assert_array_equal(back["f"]._array, obj["f"]._array)
        assert back["empty"].shape == (0, 4) and back["step"] == 3
        assert back["array"].dtype == np.int16 and back["pair"][1] == [1, "a"]
        back["w"]._array += 1  # the loaded arrays are the caller's own, writable


def test_a_zip_bomb_is_refused_before_it_inflates(tmp_path):
    structure = _structure({"__tensor__": "t0", "requires_grad": False, "device": "cpu"})
    big = np.zeros(2**22, dtype=np.float32)  # 16 MiB of zeros deflate to about 16 KiB
    data = _craft({"__structure__": structure, "t0": big}, compress={"t0"})
    assert len(data) < 2**16
    tracemalloc.start()
    try:
        message = _load_error(data, tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "zip bomb" in message and "'t0'" in message
    assert peak < 2**20  # nothing near the 16 MiB was allocated


def test_a_compressed_but_modest_array_still_loads():
    structure = _structure({"__tensor__": "t0", "requires_grad": False, "device": "cpu"})
    values = np.random.default_rng(0).standard_normal(1000)
    data = _craft({"__structure__": structure, "t0": values}, compress={"t0", "__structure__"})
    np.testing.assert_array_equal(ag.load(io.BytesIO(data))._array, values)


def test_a_header_that_lies_about_the_size_is_refused(tmp_path):
    structure = _structure({"__tensor__": "t0", "requires_grad": False, "device": "cpu"})
    header = io.BytesIO()  # a valid header declaring 10**10 float64s, with 24 bytes of data
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (10**10,)})
    data = _craft({"__structure__": structure, "t0": header.getvalue() + b"\0" * 24})
    message = _load_error(data, tmp_path)
    assert "declares shape (10000000000,)" in message and "holds 24 bytes" in message


def test_a_truncated_file_says_so(tmp_path):
    data = _saved_bytes({"w": ag.ones(100, 100), "b": ag.ones(100)})
    for cut in (len(data) // 2, len(data) - 30, 200, 10):
        message = _load_error(data[:cut], tmp_path)
        assert "truncated" in message, (cut, message)


def test_a_damaged_array_is_refused():
    data = bytearray(_saved_bytes({"w": ag.ones(1000)}))
    at = data.index(np.ones(1, dtype=np.float32).tobytes() * 4)
    data[at + 100] ^= 0xFF  # one byte of the array changed: the zip's CRC disagrees
    assert "damaged" in _load_error(bytes(data))


def test_random_bytes_and_an_empty_file_say_what_they_are(tmp_path):
    rng = np.random.default_rng(0)
    assert "not a zip archive" in _load_error(rng.bytes(5000), tmp_path)
    assert "not a zip archive" in _load_error(b"\x93NUMPY\x01\x00not an npz", tmp_path)
    assert "empty" in _load_error(b"", tmp_path)


def test_a_missing_member_is_named(tmp_path):
    structure = _structure({"__dict__": [["w", {"__tensor__": "t99", "requires_grad": False,
                                                 "device": "cpu"}]]})
    data = _craft({"__structure__": structure, "t0": np.ones(2)})
    message = _load_error(data, tmp_path)
    assert "'t99'" in message and "does not hold" in message


def test_a_file_without_a_structure_record_is_named():
    data = _craft({"weights": np.ones(2)})
    assert "not a file written by ag.save" in _load_error(data)


@pytest.mark.parametrize("structure, words", [
    ({"__dict__": [["w"]]}, "[key, value] pairs"),
    ({"__dict__": 5}, "[key, value] pairs"),
    ({"__dict__": [[["unhashable"], 1]]}, "[key, value] pairs"),
    ({"__tuple__": {"a": 1}}, "'__tuple__' should be a list"),
    ({"surprise": 1}, "none of the keys ag.save writes"),
    ({"__tensor__": 3}, "'__tensor__' should name an array"),
    ({"__tensor__": "__structure__"}, "'__tensor__' should name an array"),
    ({"__tensor__": "t0", "device": 7}, "'device' should be a string"),
    ({"__tensor__": "t0", "device": "tpu"}, "unknown device"),
    ({"__tensor__": "t0", "requires_grad": "yes"}, "'requires_grad' true or false"),
    ([{"__tensor__": "t0"}, {"__tensor__": "t0"}], "more than once"),
    ([{"__ndarray__": None}], "'__ndarray__' should name an array"),
])
def test_a_malformed_structure_says_what_is_wrong(structure, words):
    data = _craft({"__structure__": _structure(structure), "t0": np.ones(2)})
    message = _load_error(data)
    assert "structure" in message and words in message, message


@pytest.mark.parametrize("record", [
    b"{not json", "{\"a\": \u00e9}".encode("latin-1"), b"[" * 100000 + b"]" * 100000,
])
def test_a_structure_record_that_is_not_json_is_refused(record):
    data = _craft({"__structure__": np.frombuffer(record, dtype=np.uint8)})
    assert "structure record" in _load_error(data)


def test_a_structure_record_of_the_wrong_dtype_is_refused():
    data = _craft({"__structure__": np.ones(3)})
    assert "1-d uint8 array" in _load_error(data)


@pytest.mark.parametrize("array, words", [
    (np.array([object()], dtype=object), "unpickl"),
    (np.zeros(2, dtype=[("a", "f4"), ("b", "O")]), "unpickl"),
    (np.array(["ab", "cd"]), "dtype <U2, which a tensor cannot hold"),
])
def test_arrays_a_tensor_cannot_hold_are_refused(array, words):
    structure = _structure({"__tensor__": "t0", "requires_grad": False, "device": "cpu"})
    message = _load_error(_craft({"__structure__": structure, "t0": array}))
    assert words in message


def test_requires_grad_on_an_integer_tensor_is_refused():
    structure = _structure({"__tensor__": "t0", "requires_grad": True, "device": "cpu"})
    message = _load_error(_craft({"__structure__": structure, "t0": np.arange(3)}))
    assert "requires_grad for a tensor of dtype int64" in message


def test_only_the_members_the_structure_refers_to_are_read():
    structure = _structure({"__dict__": [["w", {"__tensor__": "t0", "requires_grad": False,
                                                 "device": "cpu"}]]})
    junk = np.zeros(2**22, dtype=np.float32)  # a bomb nobody refers to
    data = _craft({"__structure__": structure, "t0": np.arange(3.0),
                   "t1": np.array([object()], dtype=object), "t2": junk},
                  compress={"t2"})
    back = ag.load(io.BytesIO(data))
    np.testing.assert_array_equal(back["w"]._array, np.arange(3.0))
