"""Losses: each against its formula in numpy (all reductions and options), gradcheck, PyTorch.

The formulas are PyTorch's documented ones (the lecture's BCE and CE lack the
minus sign): with l_n the loss of element n, 'sum' is sum_n l_n and 'mean'
divides by the element count, or, for class-index cross-entropy and NLL, by
the sum of the weights of the targets.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

REDUCTIONS = ["mean", "sum", "none"]


def t64(x, requires_grad=False):
    return ag.tensor(np.asarray(x, dtype=np.float64), requires_grad=requires_grad)


def reduce_np(loss, reduction, denominator=None):
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / (loss.size if denominator is None else denominator)


@pytest.fixture
def data():
    rng = np.random.default_rng(7)
    return {
        "x": rng.standard_normal((5, 3)) * 3,
        "y": rng.random((5, 3)),
        "p": rng.uniform(0.02, 0.98, (5, 3)),
        "w": rng.uniform(0.5, 2.0, (5, 3)),
        "pos": rng.uniform(0.5, 3.0, 3),
        "logits": rng.standard_normal((6, 4)) * 2,
        "labels": np.array([0, 3, 1, 1, 2, 3]),
        "cw": np.array([0.5, 1.0, 2.0, 1.5]),
        "probs": rng.dirichlet(np.ones(4), 6),
    }


# --- MSE -----------------------------------------------------------------------------------

@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_formula_and_gradients(data, reduction):
    x, y = data["x"], data["y"]
    a = t64(x, True)
    out = F.mse_loss(a, t64(y), reduction=reduction)
    np.testing.assert_allclose(out._array, reduce_np((x - y) ** 2, reduction), rtol=1e-14)
    out.sum().backward()
    scale = 1 / x.size if reduction == "mean" else 1
    np.testing.assert_allclose(a.grad._array, 2 * (x - y) * scale, rtol=1e-14)
    assert ag.gradcheck(lambda u, v: F.mse_loss(u, v, reduction=reduction),
                        (t64(x, True), t64(y, True)))
    assert nn.MSELoss(reduction=reduction)(t64(x), t64(y)).shape == out.shape


def test_mse_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match=r"\(4,\).*\(4, 1\)"):
        F.mse_loss(ag.zeros(4, 1), ag.zeros(4))


def test_l1_loss(data):
    x, y = data["x"], data["y"]
    np.testing.assert_allclose(nn.L1Loss()(t64(x), t64(y)).item(), np.abs(x - y).mean(), rtol=1e-14)


# --- BCE -----------------------------------------------------------------------------------

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_bce_formula_and_gradients(data, reduction, weighted):
    p, y, w = data["p"], data["y"], data["w"]
    weight = t64(w) if weighted else None
    a = t64(p, True)
    out = F.binary_cross_entropy(a, t64(y), weight=weight, reduction=reduction)
    loss = -(y * np.log(p) + (1 - y) * np.log(1 - p)) * (w if weighted else 1)
    np.testing.assert_allclose(out._array, reduce_np(loss, reduction), rtol=1e-13)
    out.sum().backward()
    scale = 1 / p.size if reduction == "mean" else 1
    dx = (p - y) / (p * (1 - p)) * (w if weighted else 1) * scale
    np.testing.assert_allclose(a.grad._array, dx, rtol=1e-12)
    assert ag.gradcheck(lambda u, v: F.binary_cross_entropy(u, v, weight=weight,
                                                            reduction=reduction),
                        (t64(p, True), t64(y, True)))


def test_bce_clamps_log_at_minus_100():
    x = t64([0.0, 1.0, 0.0, 1.0], True)
    y = t64([1.0, 0.0, 0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = F.binary_cross_entropy(x, y, reduction="none")
    np.testing.assert_array_equal(out._array, [100.0, 100.0, 0.0, 0.0])
    out.sum().backward()
    assert np.isfinite(x.grad._array).all()


def test_bce_rejects_probabilities_outside_0_1_and_int_targets():
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        F.binary_cross_entropy(ag.tensor([0.5, 1.5]), ag.tensor([0.0, 1.0]))
    with pytest.raises(RuntimeError, match="floating point"):  # PyTorch's type
        F.binary_cross_entropy(ag.tensor([0.5, 0.5]), ag.tensor([0, 1]))
    with pytest.raises(RuntimeError, match="float64 but expected .*float32"):
        F.binary_cross_entropy(ag.tensor([0.5, 0.5]), ag.tensor([0.0, 1.0], dtype=ag.float64))
    with pytest.raises(ValueError, match="different to the input size"):
        F.binary_cross_entropy(ag.tensor([[0.5], [0.5]]), ag.tensor([0.0, 1.0]))


# --- BCE with logits -------------------------------------------------------------------------

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", ["plain", "weight", "pos_weight", "both"])
def test_bce_with_logits_formula_and_gradients(data, reduction, options):
    x, y = data["x"], data["y"]
    w = data["w"] if options in ("weight", "both") else np.ones_like(x)
    pw = data["pos"] if options in ("pos_weight", "both") else np.ones(3)
    kwargs = {}
    if options in ("weight", "both"):
        kwargs["weight"] = t64(w)
    if options in ("pos_weight", "both"):
        kwargs["pos_weight"] = t64(pw)
    a = t64(x, True)
    out = F.binary_cross_entropy_with_logits(a, t64(y), reduction=reduction, **kwargs)
    s = 1 / (1 + np.exp(-x))
    loss = -w * (pw * y * np.log(s) + (1 - y) * np.log(1 - s))
    np.testing.assert_allclose(out._array, reduce_np(loss, reduction), rtol=1e-12)
    out.sum().backward()
    scale = 1 / x.size if reduction == "mean" else 1
    dx = w * ((pw * y + 1 - y) * s - pw * y) * scale
    np.testing.assert_allclose(a.grad._array, dx, rtol=1e-12, atol=1e-15)
    assert ag.gradcheck(lambda u, v: F.binary_cross_entropy_with_logits(
        u, v, reduction=reduction, **kwargs), (t64(x, True), t64(y, True)))
    module = nn.BCEWithLogitsLoss(reduction=reduction, **kwargs)
    np.testing.assert_allclose(module(t64(x), t64(y))._array, out._array, rtol=1e-15)


def test_bce_with_logits_is_stable_at_1000():
    x = t64([1000.0, -1000.0, 1000.0, -1000.0], True)
    y = t64([1.0, 0.0, 0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            out = F.binary_cross_entropy_with_logits(x, y, reduction="none",
                                                     pos_weight=t64([2.0]))
            out.sum().backward()
    np.testing.assert_array_equal(out._array, [0.0, 0.0, 1000.0, 2000.0])
    np.testing.assert_array_equal(x.grad._array, [0.0, 0.0, 1.0, -2.0])


def test_bce_with_logits_shape_mismatch():
    with pytest.raises(ValueError, match="must be the same as input size"):
        F.binary_cross_entropy_with_logits(ag.zeros(3, 1), ag.zeros(3))


# --- cross-entropy and NLL -------------------------------------------------------------------

def log_softmax_np(x, axis=1):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def ce_indices_np(x, labels, weight=None, ignore_index=-100, eps=0.0, reduction="mean"):
    """PyTorch's documented formula, written out per sample."""
    n_classes = x.shape[1]
    w = np.ones(n_classes) if weight is None else weight
    lp = log_softmax_np(x)
    losses, denominator = [], 0.0
    for n, c in enumerate(labels):
        if c == ignore_index:
            losses.append(0.0)
            continue
        nll = -w[c] * lp[n, c]
        smooth = -(w * lp[n]).sum() / n_classes
        losses.append((1 - eps) * nll + eps * smooth)
        denominator += w[c]
    return reduce_np(np.array(losses), reduction, denominator)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [{}, {"weight": True}, {"label_smoothing": 0.2},
                                     {"ignore_index": 1}, {"weight": True, "ignore_index": 3,
                                                           "label_smoothing": 0.1}])
def test_cross_entropy_with_class_indices(data, reduction, options):
    x, labels, cw = data["logits"], data["labels"], data["cw"]
    weight = cw if options.get("weight") else None
    kwargs = {k: v for k, v in options.items() if k != "weight"}
    if weight is not None:
        kwargs["weight"] = t64(weight)
    a = t64(x, True)
    out = F.cross_entropy(a, ag.tensor(labels), reduction=reduction, **kwargs)
    expected = ce_indices_np(x, labels, weight, options.get("ignore_index", -100),
                             options.get("label_smoothing", 0.0), reduction)
    np.testing.assert_allclose(out._array, expected, rtol=1e-13)
    assert ag.gradcheck(lambda u: F.cross_entropy(u, ag.tensor(labels), reduction=reduction,
                                                  **kwargs), (a,))
    module = nn.CrossEntropyLoss(reduction=reduction, **kwargs)
    np.testing.assert_allclose(module(t64(x), ag.tensor(labels))._array, out._array, rtol=1e-15)


def test_cross_entropy_gradient_is_softmax_minus_one_hot(data):
    x, labels = data["logits"], data["labels"]
    a = t64(x, True)
    F.cross_entropy(a, ag.tensor(labels), reduction="sum").backward()
    p = np.exp(log_softmax_np(x))
    np.testing.assert_allclose(a.grad._array, p - np.eye(4)[labels], rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [{}, {"weight": True}, {"label_smoothing": 0.3}])
def test_cross_entropy_with_class_probabilities(data, reduction, options):
    x, probs, cw = data["logits"], data["probs"], data["cw"]
    eps = options.get("label_smoothing", 0.0)
    w = cw if options.get("weight") else np.ones(4)
    kwargs = {"label_smoothing": eps}
    if options.get("weight"):
        kwargs["weight"] = t64(cw)
    target = (1 - eps) * probs + eps / 4
    loss = -(w * target * log_softmax_np(x)).sum(axis=1)
    out = F.cross_entropy(t64(x), t64(probs), reduction=reduction, **kwargs)
    np.testing.assert_allclose(out._array, reduce_np(loss, reduction), rtol=1e-13)
    # The gradient reaches the (soft) targets too, as in PyTorch.
    assert ag.gradcheck(lambda u, v: F.cross_entropy(u, v, reduction=reduction, **kwargs),
                        (t64(x, True), t64(probs, True)))


def test_cross_entropy_on_images_and_unbatched(data):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 4, 5))
    labels = rng.integers(0, 3, (2, 4, 5))
    out = F.cross_entropy(t64(x), ag.tensor(labels), reduction="none")
    lp = log_softmax_np(x)
    expected = -np.take_along_axis(lp, labels[:, None], axis=1)[:, 0]
    np.testing.assert_allclose(out._array, expected, rtol=1e-13)
    assert ag.gradcheck(lambda u: F.cross_entropy(u, ag.tensor(labels), label_smoothing=0.1),
                        (t64(x, True),))
    single = F.cross_entropy(t64(data["logits"][0]), ag.tensor(2), reduction="none")
    assert single.shape == ()
    np.testing.assert_allclose(single.item(), -log_softmax_np(data["logits"][:1])[0, 2],
                               rtol=1e-14)


def test_cross_entropy_errors():
    logits = ag.zeros(3, 4)
    with pytest.raises(IndexError, match="Target 4 is out of bounds"):
        F.cross_entropy(logits, ag.tensor([0, 4, 1]))
    with pytest.raises(IndexError, match="Target -2 is out of bounds"):
        F.cross_entropy(logits, ag.tensor([0, -2, 1]))
    # ignore_index is no class and is not checked; the first real target out of range is named
    with pytest.raises(IndexError, match="Target 7 is out of bounds"):
        F.cross_entropy(logits, ag.tensor([-100, 7, 1]))
    assert np.isclose(F.cross_entropy(logits, ag.tensor([-100, 3, 1])).item(), np.log(4))
    with pytest.raises(ValueError, match=r"batch_size \(3\) to match target batch_size \(2\)"):
        F.cross_entropy(logits, ag.tensor([0, 1]))
    with pytest.raises(RuntimeError, match=r"expected target of shape \(3, 5\)"):
        F.cross_entropy(ag.zeros(3, 4, 5), ag.zeros(3, 4, dtype=ag.int64))
    with pytest.raises(RuntimeError, match="expected target dtype to be int64"):
        F.cross_entropy(logits, ag.zeros(3, 3))  # float, but not the input's shape
    with pytest.raises(RuntimeError, match="expected target dtype to be int64"):
        F.cross_entropy(logits, ag.tensor([0, 1, 2], dtype=ag.int32))
    with pytest.raises(RuntimeError, match="weight tensor should be defined"):
        F.cross_entropy(logits, ag.tensor([0, 1, 2]), weight=ag.ones(3))
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        nn.CrossEntropyLoss(reduction="average")
    with pytest.raises(RuntimeError, match="label_smoothing"):
        F.cross_entropy(logits, ag.tensor([0, 1, 2]), label_smoothing=1.5)


def test_cross_entropy_all_ignored_is_nan_as_pytorch():
    out = F.cross_entropy(ag.zeros(2, 3), ag.tensor([-100, -100]))
    assert np.isnan(out.item())


def test_cross_entropy_is_stable_for_huge_logits():
    x = t64([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0]], True)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        out = F.cross_entropy(x, ag.tensor([1, 2]), reduction="none")
        out.sum().backward()
    np.testing.assert_allclose(out._array, [2000.0, 0.0])
    assert np.isfinite(x.grad._array).all()


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_and_its_link_to_cross_entropy(data, reduction):
    x, labels, cw = data["logits"], data["labels"], data["cw"]
    lp = log_softmax_np(x)
    out = F.nll_loss(t64(lp), ag.tensor(labels), weight=t64(cw), reduction=reduction)
    loss = -cw[labels] * lp[np.arange(6), labels]
    np.testing.assert_allclose(out._array, reduce_np(loss, reduction, cw[labels].sum()), rtol=1e-14)
    assert ag.gradcheck(lambda u: F.nll_loss(u, ag.tensor(labels), reduction=reduction,
                                             ignore_index=0), (t64(lp, True),))
    via_nll = nn.NLLLoss(reduction=reduction)(nn.LogSoftmax(dim=1)(t64(x)), ag.tensor(labels))
    via_ce = nn.CrossEntropyLoss(reduction=reduction)(t64(x), ag.tensor(labels))
    np.testing.assert_allclose(via_nll._array, via_ce._array, rtol=1e-14)


def test_cross_entropy_second_derivative():
    rng = np.random.default_rng(0)
    x = t64(rng.standard_normal((3, 4)), True)
    assert ag.gradgradcheck(lambda u: F.cross_entropy(u, ag.tensor([1, 0, 3]),
                                                      label_smoothing=0.1), (x,))
    y = t64(rng.random((3, 4)))
    assert ag.gradgradcheck(lambda u: F.binary_cross_entropy_with_logits(u, y), (x,))
    p = t64(rng.uniform(0.1, 0.9, (3, 4)), True)
    assert ag.gradgradcheck(lambda u: F.binary_cross_entropy(u, y), (p,))
    assert ag.gradgradcheck(lambda u: F.mse_loss(u, y), (x,))
    # MSE saves x - y as a constant: under create_graph it must be rebuilt on the graph
    y_learned = t64(rng.random((3, 4)), True)
    for reduction in ("mean", "sum", "none"):
        assert ag.gradgradcheck(lambda u, v, r=reduction: F.mse_loss(u, v, reduction=r),
                                (x, y_learned))


def test_losses_keep_float32():
    x = ag.randn(4, 3, requires_grad=True)
    for out in (F.cross_entropy(x, ag.tensor([0, 1, 2, 0])), F.mse_loss(x, ag.zeros(4, 3)),
                F.binary_cross_entropy_with_logits(x, ag.ones(4, 3)),
                F.binary_cross_entropy(x.sigmoid(), ag.ones(4, 3))):
        assert out.dtype == ag.float32
        out.backward()
        assert x.grad.dtype == ag.float32


def test_loss_weight_is_a_buffer_in_the_state_dict():
    loss = nn.CrossEntropyLoss(weight=ag.tensor([1.0, 2.0]))
    assert list(loss.state_dict()) == ["weight"]
    assert list(loss.parameters()) == []


# --- against PyTorch --------------------------------------------------------------------------

def _compare_with_torch(ours, theirs, inputs, torch, grad_of=(0, 1)):
    """Same value and same gradients w.r.t. the float inputs listed in grad_of."""
    def wanted(i, v):
        return np.asarray(v).dtype.kind == "f" and i in grad_of

    ag_in = [t64(v, wanted(i, v)) if np.asarray(v).dtype.kind == "f" else ag.tensor(v)
             for i, v in enumerate(inputs)]
    th_in = [torch.tensor(v, dtype=torch.float64, requires_grad=wanted(i, v))
             if np.asarray(v).dtype.kind == "f" else torch.tensor(v)
             for i, v in enumerate(inputs)]
    a, b = ours(*ag_in), theirs(*th_in)
    np.testing.assert_allclose(a._array, b.detach().numpy(), rtol=1e-12, atol=1e-14)
    a.sum().backward()
    b.sum().backward()
    for x, y in zip(ag_in, th_in, strict=True):
        if y.requires_grad and y.grad is not None:
            np.testing.assert_allclose(x.grad._array, y.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_all_losses_match_pytorch(data, reduction):
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    x, y, p, w, pw = data["x"], data["y"], data["p"], data["w"], data["pos"]
    p = p.copy()
    p[0, :2] = [0.0, 1.0]  # the clamped logs and PyTorch's 1e-12 floor in the gradient
    xl = x.copy()
    xl[0, :2] = [1000.0, -1000.0]
    logits, labels, cw, probs = data["logits"], data["labels"], data["cw"], data["probs"]
    labels_ignored = labels.copy()
    labels_ignored[2] = -100
    cases = [
        (lambda a, b: F.mse_loss(a, b, reduction=reduction),
         lambda a, b: tf.mse_loss(a, b, reduction=reduction), [x, y]),
        (lambda a, b: F.binary_cross_entropy(a, b, weight=t64(w), reduction=reduction),
         lambda a, b: tf.binary_cross_entropy(a, b, weight=torch.tensor(w), reduction=reduction),
         [data["p"], y]),
        (lambda a, b: F.binary_cross_entropy_with_logits(a, b, weight=t64(w), pos_weight=t64(pw),
                                                         reduction=reduction),
         lambda a, b: tf.binary_cross_entropy_with_logits(a, b, weight=torch.tensor(w),
                                                          pos_weight=torch.tensor(pw),
                                                          reduction=reduction), [xl, y]),
        (lambda a, b: F.cross_entropy(a, b, weight=t64(cw), label_smoothing=0.15,
                                      reduction=reduction),
         lambda a, b: tf.cross_entropy(a, b, weight=torch.tensor(cw), label_smoothing=0.15,
                                       reduction=reduction), [logits, labels_ignored]),
        (lambda a, b: F.cross_entropy(a, b, ignore_index=3, reduction=reduction),
         lambda a, b: tf.cross_entropy(a, b, ignore_index=3, reduction=reduction),
         [logits, labels]),
        (lambda a, b: F.cross_entropy(a, b, weight=t64(cw), label_smoothing=0.1,
                                      reduction=reduction),
         lambda a, b: tf.cross_entropy(a, b, weight=torch.tensor(cw), label_smoothing=0.1,
                                       reduction=reduction), [logits, probs]),
        (lambda a, b: F.nll_loss(a, b, weight=t64(cw), reduction=reduction),
         lambda a, b: tf.nll_loss(a, b, weight=torch.tensor(cw), reduction=reduction),
         [log_softmax_np(logits), labels_ignored]),
    ]
    for ours, theirs, inputs in cases:
        _compare_with_torch(ours, theirs, inputs, torch)
    # BCE's target gradient where x is exactly 0 or 1: PyTorch gives +-inf (unclamped logs);
    # ours is the derivative of the clamped loss both libraries compute, -(-100 - 0) = 100.
    bce = (lambda a, b: F.binary_cross_entropy(a, b, reduction=reduction),
           lambda a, b: tf.binary_cross_entropy(a, b, reduction=reduction))
    _compare_with_torch(*bce, [p, y], torch, grad_of=(0,))
    _compare_with_torch(*bce, [data["p"], y], torch, grad_of=(0, 1))


def test_loss_reprs_match_pytorch():
    torch = pytest.importorskip("torch")
    for name in ("MSELoss", "L1Loss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss",
                 "NLLLoss"):
        assert repr(getattr(nn, name)()) == repr(getattr(torch.nn, name)())


def test_losses_promote_a_float64_target_and_take_integer_targets_as_pytorch() -> None:
    x = ag.tensor([0.25, -1.5, 2.0], requires_grad=True)  # float32 outputs
    y64 = ag.tensor([0.0, 1.0, 1.0], dtype=ag.float64)
    for loss_fn in (F.mse_loss, F.l1_loss, F.binary_cross_entropy_with_logits):
        loss = loss_fn(x, y64)
        assert loss.dtype == ag.float64  # computed in the wider dtype
        x.grad = None
        loss.backward()
        assert x.grad.dtype == ag.float32  # the gradient comes back in the input's dtype
    mse = F.mse_loss(x, ag.tensor([0, 1, 1]))  # integer targets: the input's dtype
    assert mse.dtype == ag.float32
    np.testing.assert_allclose(mse.item(), (0.25**2 + 2.5**2 + 1.0) / 3, rtol=1e-6)
    probs = ag.tensor([[0.2, 0.8]], dtype=ag.float64)
    ce = F.cross_entropy(ag.tensor([[1.0, 2.0]]), probs)
    assert ce.dtype == ag.float64
    expected = -(0.2 * math.log(1 / (1 + math.e)) + 0.8 * math.log(math.e / (1 + math.e)))
    np.testing.assert_allclose(ce.item(), expected, rtol=1e-6)


@pytest.mark.parametrize("legacy, reduction", [
    ({"size_average": False}, "sum"), ({"reduce": False}, "none"), ({"size_average": True}, "mean"),
])
def test_legacy_size_average_and_reduce_map_to_a_reduction_and_warn_at_the_caller(
        legacy, reduction) -> None:
    x = ag.tensor([1.0, 2.0, 4.0])
    t = ag.tensor([0.0, 0.0, 1.0])
    with pytest.warns(UserWarning, match="size_average and reduce args") as caught:
        loss = F.mse_loss(x, t, **legacy)
        module = nn.MSELoss(**legacy)
        nn.CrossEntropyLoss(**legacy)  # its own __init__ above _WeightedLoss's and _Loss's
    assert [w.filename for w in caught] == [__file__] * 3  # the user's line, not ours
    expected = {"sum": 14.0, "mean": 14.0 / 3, "none": [1.0, 4.0, 9.0]}[reduction]
    np.testing.assert_allclose(loss.detach().numpy(), expected, rtol=1e-6)
    assert module.reduction == reduction
