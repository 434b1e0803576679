"""Batch, layer and group normalisation: gradcheck, the formulas in numpy, PyTorch, errors.

The formulas (PyTorch's documented ones): xhat = (x - mu) / sqrt(sigma^2 + eps) with mu and
the biased sigma^2 over the statistics' axes, y = weight xhat + bias. Batch norm while
training also updates running = (1 - momentum) running + momentum batch, with the unbiased
batch variance for running_var (momentum=None: the cumulative average, 1/num_batches_tracked).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import nn
import nn.functional as F

SHAPES = [(5, 3), (4, 3, 6), (2, 3, 4, 5)]  # (N, C), (N, C, L), (N, C, H, W)


def t64(x, requires_grad=False):
    return ag.tensor(np.asarray(x, dtype=np.float64), requires_grad=requires_grad)


def _bn_axes(ndim):
    return (0,) + tuple(range(2, ndim))


def _standardize_np(x, axes, eps):
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)  # biased
    return (x - mean) / np.sqrt(var + eps)


def _channel(v, ndim):
    return v.reshape((1, -1) + (1,) * (ndim - 2))


# --- batch norm: the formulas, without PyTorch --------------------------------------------------

@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_batch_norm_training_follows_the_formula_and_updates_running_stats(shape, dtype):
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(shape) * 2 + 1).astype(dtype)
    w, b = rng.standard_normal(3).astype(dtype), rng.standard_normal(3).astype(dtype)
    rm, rv = rng.standard_normal(3).astype(dtype), rng.uniform(0.5, 2, 3).astype(dtype)
    running_mean, running_var = ag.tensor(rm.copy()), ag.tensor(rv.copy())
    y = F.batch_norm(ag.tensor(x), running_mean, running_var, ag.tensor(w), ag.tensor(b),
                     training=True, momentum=0.3, eps=1e-3)
    axes = _bn_axes(x.ndim)
    expected = _standardize_np(x.astype(np.float64), axes, 1e-3) * _channel(w, x.ndim) \
        + _channel(b, x.ndim)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    assert y.dtype == ag.tensor(x).dtype
    np.testing.assert_allclose(y.numpy(), expected, rtol=tol, atol=tol)
    n = x.size // 3
    np.testing.assert_allclose(running_mean.numpy(), 0.7 * rm + 0.3 * x.mean(axis=axes),
                               rtol=tol, atol=tol)
    np.testing.assert_allclose(running_var.numpy(), 0.7 * rv + 0.3 * x.var(axis=axes) * n / (n - 1),
                               rtol=tol, atol=tol)
    assert running_mean.dtype == running_var.dtype == ag.tensor(x).dtype


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_batch_norm_eval_uses_the_running_stats(shape):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape)
    rm, rv = rng.standard_normal(3), rng.uniform(0.5, 2, 3)
    w, b = rng.standard_normal(3), rng.standard_normal(3)
    running_mean, running_var = t64(rm), t64(rv)
    y = F.batch_norm(t64(x), running_mean, running_var, t64(w), t64(b), training=False)
    expected = (x - _channel(rm, x.ndim)) / np.sqrt(_channel(rv, x.ndim) + 1e-5) \
        * _channel(w, x.ndim) + _channel(b, x.ndim)
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(running_mean.numpy(), rm)  # eval leaves them alone
    np.testing.assert_array_equal(running_var.numpy(), rv)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_batch_norm_backward_equals_the_graph_of_its_formula(shape):
    """The closed-form backward against autograd through the formula written with primitives
    (mean, subtraction, sqrt, ...): the same gradients for x, weight and bias."""
    rng = np.random.default_rng(2)
    x, w, b = rng.standard_normal(shape), rng.standard_normal(3), rng.standard_normal(3)
    g = rng.standard_normal(shape)
    axes = _bn_axes(len(shape))
    fused = [t64(v, True) for v in (x, w, b)]
    F.batch_norm(fused[0], None, None, fused[1], fused[2], training=True).backward(t64(g))
    plain = [t64(v, True) for v in (x, w, b)]
    xs, ws, bs = plain
    mean = xs.mean(dim=axes, keepdim=True)
    var = ((xs - mean) ** 2).mean(dim=axes, keepdim=True)
    shape_c = (1, 3) + (1,) * (len(shape) - 2)
    y = (xs - mean) / (var + 1e-5).sqrt() * ws.reshape(shape_c) + bs.reshape(shape_c)
    y.backward(t64(g))
    for a, p in zip(fused, plain):
        np.testing.assert_allclose(a.grad.numpy(), p.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shape", SHAPES + [(3, 3, 2, 2, 2)], ids=str)
@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize("affine", [True, False], ids=["affine", "plain"])
def test_batch_norm_gradcheck(shape, training, affine):
    rng = np.random.default_rng(3)
    x = t64(rng.standard_normal(shape), True)
    rm, rv = t64(rng.standard_normal(3)), t64(rng.uniform(0.5, 2, 3))
    params = [t64(rng.standard_normal(3), True), t64(rng.standard_normal(3), True)] \
        if affine else [None, None]

    def fn(x, w, b):  # running stats given, but copied: gradcheck calls fn many times
        return F.batch_norm(x, rm.clone(), rv.clone(), w, b, training=training, eps=1e-3)

    assert ag.gradcheck(fn, [x, *params])
    assert ag.gradgradcheck(fn, [x, *params])


def test_batch_norm_gradient_of_only_some_inputs():
    rng = np.random.default_rng(4)
    x = t64(rng.standard_normal((4, 3)), True)
    w = t64(rng.standard_normal(3))  # no gradient wanted
    b = t64(rng.standard_normal(3), True)
    assert ag.gradcheck(lambda x, b: F.batch_norm(x, None, None, w, b, training=True), [x, b])
    x2 = t64(rng.standard_normal((4, 3)))
    w2 = t64(rng.standard_normal(3), True)
    assert ag.gradcheck(lambda w: F.batch_norm(x2, None, None, w, None, training=True), [w2])


def test_batch_norm_output_has_zero_mean_and_unit_variance_per_channel():
    x = ag.randn(64, 4, 5) * 3 + 7
    y = F.batch_norm(x, None, None, training=True).numpy()
    np.testing.assert_allclose(y.mean(axis=(0, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(y.var(axis=(0, 2)), 1, atol=1e-3)


def test_an_eval_graph_is_not_changed_by_a_later_training_step():
    """The eval op keeps its own copy of the running statistics, which training then
    updates in place: the earlier graph's gradient stays that of its forward."""
    bn = nn.BatchNorm1d(3).double()
    with ag.no_grad():
        bn.running_var.fill_(4.0)
    bn.eval()
    x = t64(np.ones((2, 3)), True)
    y = bn(x)
    bn.train()
    bn(t64(np.random.default_rng(0).standard_normal((5, 3))))  # updates the buffers in place
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 1 / np.sqrt(4.0 + 1e-5), rtol=1e-12)


# --- batch norm modules --------------------------------------------------------------------------

def test_batch_norm_module_parameters_buffers_and_state_dict():
    bn = nn.BatchNorm2d(4)
    assert [n for n, _ in bn.named_parameters()] == ["weight", "bias"]
    assert [n for n, _ in bn.named_buffers()] == ["running_mean", "running_var",
                                                   "num_batches_tracked"]
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                     "num_batches_tracked"]
    np.testing.assert_array_equal(bn.weight.detach().numpy(), np.ones(4, np.float32))
    np.testing.assert_array_equal(bn.bias.detach().numpy(), np.zeros(4, np.float32))
    np.testing.assert_array_equal(bn.running_mean.numpy(), np.zeros(4, np.float32))
    np.testing.assert_array_equal(bn.running_var.numpy(), np.ones(4, np.float32))
    assert bn.num_batches_tracked.dtype == ag.int64 and bn.num_batches_tracked.item() == 0
    assert bn.running_mean.dtype == ag.float32 and not bn.running_mean.requires_grad
    assert repr(bn) == ("BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, "
                        "track_running_stats=True)")


def test_batch_norm_without_affine_or_tracking():
    bn = nn.BatchNorm1d(3, affine=False, track_running_stats=False)
    assert bn.weight is None and bn.bias is None
    assert bn.running_mean is None and bn.running_var is None and bn.num_batches_tracked is None
    assert list(bn.state_dict()) == [] and list(bn.parameters()) == []
    x = ag.randn(6, 3) * 2 + 1
    expected = _standardize_np(x.numpy().astype(np.float64), (0,), 1e-5)
    for mode in (bn.train, bn.eval):  # batch statistics in both modes
        mode()
        np.testing.assert_allclose(bn(x).numpy(), expected, rtol=1e-5, atol=1e-5)
    no_bias = nn.BatchNorm1d(3, bias=False)
    assert no_bias.bias is None and list(no_bias.state_dict())[0:1] == ["weight"]
    assert "bias=False" in repr(no_bias)


def test_batch_norm_module_train_then_eval_and_num_batches_tracked():
    rng = np.random.default_rng(5)
    bn = nn.BatchNorm1d(2, momentum=0.5).double()
    batches = [rng.standard_normal((8, 2, 3)) * (k + 1) + k for k in range(3)]
    rm, rv = np.zeros(2), np.ones(2)
    for k, xb in enumerate(batches):
        bn(t64(xb))
        n = xb.size // 2
        rm = 0.5 * rm + 0.5 * xb.mean(axis=(0, 2))
        rv = 0.5 * rv + 0.5 * xb.var(axis=(0, 2)) * n / (n - 1)
        assert bn.num_batches_tracked.item() == k + 1
    np.testing.assert_allclose(bn.running_mean.numpy(), rm, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.numpy(), rv, rtol=1e-12)
    bn.eval()
    x = rng.standard_normal((3, 2, 3))
    out = bn(t64(x)).detach().numpy()
    np.testing.assert_allclose(out, (x - rm[None, :, None]) / np.sqrt(rv[None, :, None] + 1e-5),
                               rtol=1e-12)
    assert bn.num_batches_tracked.item() == 3  # eval counts no batch


def test_batch_norm_momentum_none_is_the_cumulative_average():
    rng = np.random.default_rng(6)
    bn = nn.BatchNorm1d(3, momentum=None).double()
    batches = [rng.standard_normal((5, 3)) + k for k in range(4)]
    for xb in batches:
        bn(t64(xb))
    np.testing.assert_allclose(bn.running_mean.numpy(),
                               np.mean([xb.mean(axis=0) for xb in batches], axis=0), rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.numpy(),
                               np.mean([xb.var(axis=0, ddof=1) for xb in batches], axis=0),
                               rtol=1e-12)
    assert bn.num_batches_tracked.item() == 4


def test_reset_running_stats_and_parameters():
    bn = nn.BatchNorm1d(3)
    bn(ag.randn(4, 3) * 5 + 2)
    with ag.no_grad():
        bn.weight.fill_(3.0)
    bn.reset_running_stats()
    assert bn.num_batches_tracked.item() == 0
    np.testing.assert_array_equal(bn.running_mean.numpy(), np.zeros(3))
    np.testing.assert_array_equal(bn.running_var.numpy(), np.ones(3))
    np.testing.assert_array_equal(bn.weight.detach().numpy(), np.full(3, 3.0))  # kept
    bn.reset_parameters()
    np.testing.assert_array_equal(bn.weight.detach().numpy(), np.ones(3))


def test_double_converts_running_stats_but_not_the_batch_count():
    bn = nn.BatchNorm2d(2).double()
    assert bn.running_mean.dtype == bn.running_var.dtype == bn.weight.dtype == ag.float64
    assert bn.num_batches_tracked.dtype == ag.int64
    y = bn(ag.randn(2, 2, 3, 3, dtype=ag.float64))
    assert y.dtype == ag.float64 and bn.running_mean.dtype == ag.float64


def test_state_dict_round_trip_between_batch_norms():
    a = nn.BatchNorm1d(3)
    for _ in range(2):
        a(ag.randn(4, 3))
    b = nn.BatchNorm1d(3)
    b.load_state_dict(a.state_dict())
    for key, value in a.state_dict().items():
        np.testing.assert_array_equal(b.state_dict()[key].numpy(), value.numpy())
    assert b.num_batches_tracked.item() == 2


def test_batch_norm_module_errors():
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        nn.BatchNorm1d(3)(ag.randn(2, 3, 4, 5))
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input\)"):
        nn.BatchNorm2d(3)(ag.randn(2, 3, 4))
    with pytest.raises(ValueError, match=r"expected 5D input \(got 4D input\)"):
        nn.BatchNorm3d(3)(ag.randn(2, 3, 4, 4))
    with pytest.raises(RuntimeError, match="running_mean should contain 4 elements not 3"):
        nn.BatchNorm1d(3)(ag.randn(5, 4))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        nn.BatchNorm1d(3)(ag.randn(1, 3))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        nn.BatchNorm2d(3)(ag.randn(1, 3, 1, 1))
    bn = nn.BatchNorm1d(3).eval()
    assert bn(ag.randn(1, 3)).shape == (1, 3)  # one sample is fine in eval mode


def test_batch_norm_functional_errors():
    x = ag.randn(4, 3)
    for name, args in [("running_mean", (ag.zeros(4), ag.ones(3))),
                       ("running_var", (ag.zeros(3), ag.ones(4)))]:
        with pytest.raises(RuntimeError, match=f"{name} should contain 3 elements not 4"):
            F.batch_norm(x, *args, training=True)
    with pytest.raises(RuntimeError, match="weight should contain 3 elements not 4"):
        F.batch_norm(x, None, None, ag.ones(4), training=True)
    with pytest.raises(RuntimeError, match="bias should contain 3 elements not 2"):
        F.batch_norm(x, None, None, None, ag.ones(2), training=True)
    with pytest.raises(RuntimeError, match="running_mean must be defined in evaluation mode"):
        F.batch_norm(x, None, None, training=False)
    with pytest.raises(ValueError, match="eps must be positive during training"):
        F.batch_norm(x, None, None, training=True, eps=0.0)
    with pytest.raises(ValueError, match=r"got input size \[1, 3, 1\]"):
        F.batch_norm(ag.randn(1, 3, 1), None, None, training=True)
    with pytest.raises(ValueError, match="expected an input of shape"):
        F.batch_norm(ag.randn(3), None, None, training=True)


# --- layer norm and group norm ------------------------------------------------------------------

@pytest.mark.parametrize("shape, normalized", [((4, 5), (5,)), ((2, 3, 4), (4,)),
                                               ((2, 3, 4), (3, 4)), ((6,), (6,))], ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_layer_norm_follows_the_formula(shape, normalized, dtype):
    rng = np.random.default_rng(7)
    x = (rng.standard_normal(shape) * 3 + 2).astype(dtype)
    w = rng.standard_normal(normalized).astype(dtype)
    b = rng.standard_normal(normalized).astype(dtype)
    y = F.layer_norm(ag.tensor(x), normalized, ag.tensor(w), ag.tensor(b), eps=1e-4)
    axes = tuple(range(len(shape) - len(normalized), len(shape)))
    expected = _standardize_np(x.astype(np.float64), axes, 1e-4) * w + b
    tol = 1e-5 if dtype == np.float32 else 1e-12
    assert y.dtype == ag.tensor(x).dtype
    np.testing.assert_allclose(y.numpy(), expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("shape, normalized", [((4, 5), (5,)), ((2, 3, 4), (3, 4)),
                                               ((3,), (3,))], ids=str)
@pytest.mark.parametrize("affine", ["both", "weight", "none"])
def test_layer_norm_gradcheck(shape, normalized, affine):
    rng = np.random.default_rng(8)
    x = t64(rng.standard_normal(shape), True)
    w = t64(rng.standard_normal(normalized), True) if affine != "none" else None
    b = t64(rng.standard_normal(normalized), True) if affine == "both" else None
    inputs = [x] + [p for p in (w, b) if p is not None]

    def fn(x, *params):
        return F.layer_norm(x, normalized, *params)

    assert ag.gradcheck(fn, inputs)
    assert ag.gradgradcheck(fn, inputs)


@pytest.mark.parametrize("shape, groups", [((3, 4), 2), ((2, 6, 5), 3), ((2, 4, 3, 2), 1),
                                           ((2, 4, 3, 2), 4)], ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_group_norm_follows_the_formula(shape, groups, dtype):
    rng = np.random.default_rng(9)
    x = (rng.standard_normal(shape) * 2 - 1).astype(dtype)
    c = shape[1]
    w, b = rng.standard_normal(c).astype(dtype), rng.standard_normal(c).astype(dtype)
    y = F.group_norm(ag.tensor(x), groups, ag.tensor(w), ag.tensor(b), eps=1e-4)
    grouped = x.astype(np.float64).reshape(shape[0], groups, -1)
    expected = _standardize_np(grouped, (2,), 1e-4).reshape(shape) * _channel(w, x.ndim) \
        + _channel(b, x.ndim)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    assert y.dtype == ag.tensor(x).dtype
    np.testing.assert_allclose(y.numpy(), expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("shape, groups", [((3, 4), 2), ((2, 6, 2), 3), ((2, 4, 2, 2), 1)],
                         ids=str)
@pytest.mark.parametrize("affine", [True, False], ids=["affine", "plain"])
def test_group_norm_gradcheck(shape, groups, affine):
    rng = np.random.default_rng(10)
    x = t64(rng.standard_normal(shape), True)
    params = [t64(rng.standard_normal(shape[1]), True) for _ in range(2)] if affine else []

    def fn(x, *params):
        return F.group_norm(x, groups, *params)

    assert ag.gradcheck(fn, [x, *params])
    assert ag.gradgradcheck(fn, [x, *params])


def test_layer_and_group_norm_modules():
    ln = nn.LayerNorm([3, 4])
    assert ln.normalized_shape == (3, 4) and ln.weight.shape == (3, 4)
    assert list(ln.state_dict()) == ["weight", "bias"]
    assert repr(ln) == "LayerNorm((3, 4), eps=1e-05, elementwise_affine=True, bias=True)"
    assert nn.LayerNorm(5).normalized_shape == (5,)
    plain = nn.LayerNorm(5, elementwise_affine=False)
    assert plain.weight is None and plain.bias is None and list(plain.state_dict()) == []
    assert nn.LayerNorm(5, bias=False).bias is None
    x = ag.randn(2, 3, 4)
    np.testing.assert_allclose(ln(x).detach().numpy(),
                               _standardize_np(x.numpy().astype(np.float64), (1, 2), 1e-5),
                               rtol=1e-5, atol=1e-5)
    ln.eval()  # the same in eval mode
    np.testing.assert_allclose(ln(x).detach().numpy(),
                               _standardize_np(x.numpy().astype(np.float64), (1, 2), 1e-5),
                               rtol=1e-5, atol=1e-5)

    gn = nn.GroupNorm(2, 4)
    assert repr(gn) == "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)"
    assert list(gn.state_dict()) == ["weight", "bias"] and gn.weight.shape == (4,)
    np.testing.assert_array_equal(gn.weight.detach().numpy(), np.ones(4))
    np.testing.assert_array_equal(gn.bias.detach().numpy(), np.zeros(4))
    assert nn.GroupNorm(2, 4, affine=False).weight is None
    assert nn.GroupNorm(2, 4, bias=False).bias is None


def test_layer_and_group_norm_errors():
    with pytest.raises(RuntimeError, match=r"Given normalized_shape=\[3\], expected input with "
                                           r"shape \[\*, 3\], but got input of size\[2, 4\]"):
        F.layer_norm(ag.randn(2, 4), [3])
    with pytest.raises(RuntimeError, match="Expected weight to be of same shape as "
                                           "normalized_shape"):
        F.layer_norm(ag.randn(2, 4), [4], ag.ones(3))
    with pytest.raises(RuntimeError, match="Expected bias to be of same shape"):
        F.layer_norm(ag.randn(2, 4), [4], ag.ones(4), ag.ones(2))
    with pytest.raises(RuntimeError, match="expected input with shape"):
        nn.LayerNorm([2, 3, 4])(ag.randn(3, 4))
    with pytest.raises(ValueError, match=r"num_channels \(5\) must be divisible by "
                                         r"num_groups \(2\)"):
        nn.GroupNorm(2, 5)
    with pytest.raises(RuntimeError, match="Expected number of channels in input to be "
                                           "divisible by num_groups"):
        F.group_norm(ag.randn(2, 5, 3), 2)
    with pytest.raises(RuntimeError, match="Expected at least 2 dimensions for input tensor "
                                           "but received 1"):
        F.group_norm(ag.randn(5), 1)
    with pytest.raises(RuntimeError, match="Expected weight to be a vector of size equal to "
                                           "the number of channels"):
        F.group_norm(ag.randn(2, 4), 2, ag.ones(3))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        F.group_norm(ag.randn(1, 2), 2)


# --- PyTorch -----------------------------------------------------------------------------------

def _torch_pair(torch, ours, theirs, rng, dtype):
    """Give both modules the same random affine parameters."""
    params = {n: rng.standard_normal(tuple(p.shape)) for n, p in ours.named_parameters()}
    with ag.no_grad():
        for n, p in ours.named_parameters():
            p._array[...] = params[n]
    with torch.no_grad():
        for n, p in theirs.named_parameters():
            p.copy_(torch.tensor(params[n], dtype=p.dtype))


def _compare_step(torch, ours, theirs, x, rng, tol):
    xa = ag.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    ya, yt = ours(xa), theirs(xt)
    g = rng.standard_normal(x.shape).astype(x.dtype)
    ya.backward(ag.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(ya.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(xa.grad.numpy(), xt.grad.numpy(), rtol=tol, atol=tol)
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters(),
                                 strict=True):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=tol, atol=tol,
                                   err_msg=name)
    for (name, a), (_, b) in zip(ours.named_buffers(), theirs.named_buffers(), strict=True):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=tol, atol=tol, err_msg=name)


@pytest.mark.parametrize("shape", SHAPES + [(2, 3, 2, 3, 2)], ids=str)
@pytest.mark.parametrize("momentum", [0.1, None])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("options", [{}, {"affine": False}, {"track_running_stats": False},
                                     {"bias": False}], ids=str)
def test_batch_norm_matches_pytorch_over_training_and_eval(shape, momentum, dtype, options):
    torch = pytest.importorskip("torch")
    cls = {2: "BatchNorm1d", 3: "BatchNorm1d", 4: "BatchNorm2d", 5: "BatchNorm3d"}[len(shape)]
    ours = getattr(nn, cls)(3, momentum=momentum, eps=1e-4, **options)
    theirs = getattr(torch.nn, cls)(3, momentum=momentum, eps=1e-4, **options)
    if dtype == np.float64:
        ours.double()
        theirs.double()
    rng = np.random.default_rng(11)
    _torch_pair(torch, ours, theirs, rng, dtype)
    tol = 2e-5 if dtype == np.float32 else 1e-11
    for step in range(3):
        x = (rng.standard_normal(shape) * (step + 1) + step).astype(dtype)
        _compare_step(torch, ours, theirs, x, rng, tol)
        for p in list(ours.parameters()) + list(theirs.parameters()):
            p.grad = None
    if ours.track_running_stats:
        assert ours.num_batches_tracked.item() == theirs.num_batches_tracked.item() == 3
    ours.eval()
    theirs.eval()
    _compare_step(torch, ours, theirs, rng.standard_normal(shape).astype(dtype), rng, tol)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert repr(ours) == repr(theirs)


def test_batch_norm_state_dict_loads_into_pytorch_and_back():
    torch = pytest.importorskip("torch")
    ours = nn.BatchNorm2d(3)
    for k in range(2):
        ours(ag.randn(4, 3, 2, 2) + k)
    theirs = torch.nn.BatchNorm2d(3)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    assert theirs.num_batches_tracked.item() == 2
    x = np.random.default_rng(12).standard_normal((2, 3, 2, 2)).astype(np.float32)
    ours.eval()
    theirs.eval()
    np.testing.assert_allclose(ours(ag.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)
    theirs.train()
    theirs(torch.randn(4, 3, 2, 2))
    back = nn.BatchNorm2d(3)
    back.load_state_dict(theirs.state_dict())
    assert back.num_batches_tracked.item() == 3
    assert back.num_batches_tracked.dtype == ag.int64
    for key, value in theirs.state_dict().items():
        np.testing.assert_array_equal(back.state_dict()[key].numpy(), value.numpy())


@pytest.mark.parametrize("shape, normalized", [((4, 5), 5), ((2, 3, 4), (3, 4))], ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("options", [{}, {"elementwise_affine": False}, {"bias": False}],
                         ids=str)
def test_layer_norm_matches_pytorch(shape, normalized, dtype, options):
    torch = pytest.importorskip("torch")
    ours, theirs = nn.LayerNorm(normalized, **options), torch.nn.LayerNorm(normalized, **options)
    if dtype == np.float64:
        ours.double()
        theirs.double()
    rng = np.random.default_rng(13)
    _torch_pair(torch, ours, theirs, rng, dtype)
    tol = 2e-5 if dtype == np.float32 else 1e-11
    _compare_step(torch, ours, theirs, (rng.standard_normal(shape) * 3).astype(dtype), rng, tol)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())


@pytest.mark.parametrize("shape, groups", [((3, 4), 2), ((2, 6, 5), 3), ((2, 4, 3, 2), 4)],
                         ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("affine", [True, False])
def test_group_norm_matches_pytorch(shape, groups, dtype, affine):
    torch = pytest.importorskip("torch")
    ours = nn.GroupNorm(groups, shape[1], affine=affine)
    theirs = torch.nn.GroupNorm(groups, shape[1], affine=affine)
    if dtype == np.float64:
        ours.double()
        theirs.double()
    rng = np.random.default_rng(14)
    _torch_pair(torch, ours, theirs, rng, dtype)
    tol = 2e-5 if dtype == np.float32 else 1e-11
    _compare_step(torch, ours, theirs, (rng.standard_normal(shape) * 2 + 1).astype(dtype), rng,
                  tol)
    assert repr(ours) == repr(theirs)


def test_a_network_with_batch_norm_trains_like_pytorchs():
    """Linear -> BatchNorm1d -> ReLU -> Linear, SGD with momentum, five steps, then eval:
    losses, parameters and running statistics follow PyTorch's."""
    torch = pytest.importorskip("torch")
    import optim

    ours = nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 2)).double()
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.BatchNorm1d(6),
                                 torch.nn.ReLU(), torch.nn.Linear(6, 2)).double()
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    opt_a = optim.SGD(ours.parameters(), lr=0.1, momentum=0.9)
    opt_t = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9)
    rng = np.random.default_rng(15)
    for _ in range(5):
        x, y = rng.standard_normal((8, 4)), rng.standard_normal((8, 2))
        opt_a.zero_grad()
        opt_t.zero_grad()
        loss_a = F.mse_loss(ours(t64(x)), t64(y))
        loss_t = torch.nn.functional.mse_loss(theirs(torch.tensor(x)), torch.tensor(y))
        loss_a.backward()
        loss_t.backward()
        opt_a.step()
        opt_t.step()
        assert loss_a.item() == pytest.approx(loss_t.item(), rel=1e-10)
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[key].numpy(), value.numpy(), rtol=1e-9,
                                   atol=1e-12, err_msg=key)
    ours.eval()
    theirs.eval()
    x = rng.standard_normal((3, 4))
    np.testing.assert_allclose(ours(t64(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-9)


def test_functional_norms_match_pytorch_errors_words():
    torch = pytest.importorskip("torch")
    cases = [
        (lambda lib: lib.nn.functional.batch_norm(lib.zeros(4, 3), lib.zeros(4), lib.ones(4),
                                                  training=True),
         "running_mean should contain 3 elements not 4"),
        (lambda lib: lib.nn.functional.layer_norm(lib.zeros(2, 4), [3]),
         "Given normalized_shape=[3], expected input with shape [*, 3], but got input of "
         "size[2, 4]"),
        (lambda lib: lib.nn.functional.group_norm(lib.zeros(2, 5, 3), 2),
         "Expected number of channels in input to be divisible by num_groups, but got input "
         "of shape [2, 5, 3] and num_groups=2"),
    ]

    class Ours:
        nn = nn
        zeros = staticmethod(ag.zeros)
        ones = staticmethod(ag.ones)

    for make, words in cases:
        for lib in (Ours, torch):
            with pytest.raises(RuntimeError) as info:
                make(lib)
            assert words in str(info.value)


def test_no_warnings_in_the_usual_calls():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.BatchNorm1d(3)(ag.randn(4, 3))
        nn.LayerNorm(3)(ag.randn(4, 3))
        nn.GroupNorm(1, 3)(ag.randn(4, 3))


def test_batch_norm_checkpoint_and_deepcopy_keep_the_running_stats(tmp_path):
    import copy

    bn = nn.BatchNorm1d(3)
    bn(ag.randn(4, 3) * 2 + 1)
    ag.save(bn.state_dict(), tmp_path / "bn.npz")
    loaded = nn.BatchNorm1d(3)
    loaded.load_state_dict(ag.load(tmp_path / "bn.npz"))
    twin = copy.deepcopy(bn)
    for other in (loaded, twin):
        assert other.num_batches_tracked.dtype == ag.int64
        assert other.num_batches_tracked.item() == 1
        np.testing.assert_array_equal(other.running_var.numpy(), bn.running_var.numpy())
    twin(ag.randn(4, 3))  # the copy's buffers are its own
    assert bn.num_batches_tracked.item() == 1 and twin.num_batches_tracked.item() == 2
    assert not np.array_equal(twin.running_mean.numpy(), bn.running_mean.numpy())


# --- properties ----------------------------------------------------------------------------------

@given(n=st.integers(2, 4), c=st.integers(1, 3), spatial=st.lists(st.integers(1, 3), max_size=2),
       kind=st.sampled_from(["batch", "layer", "group"]), seed=st.integers(0, 2**16))
def test_gradients_are_blind_to_a_shift_of_each_normalised_group(n, c, spatial, kind, seed):
    """y does not change when a constant is added to x over the statistics' axes A (mu takes
    it away), so dL/dx sums to zero over A, for any upstream gradient; and dL/dbeta is the sum
    of dL/dy over the other axes."""
    rng = np.random.default_rng(seed)
    shape = (n, c, *spatial)
    x = t64(rng.standard_normal(shape) * 3 + 1, True)
    g = rng.standard_normal(shape)
    if kind == "batch":
        w, b = t64(rng.standard_normal(c), True), t64(rng.standard_normal(c), True)
        y = F.batch_norm(x, None, None, w, b, training=True)
        axes, other = _bn_axes(len(shape)), _bn_axes(len(shape))
    elif kind == "layer":
        w, b = t64(rng.standard_normal(shape[1:]), True), t64(rng.standard_normal(shape[1:]), True)
        y = F.layer_norm(x, shape[1:], w, b)
        axes, other = tuple(range(1, len(shape))), (0,)
    else:
        w, b = t64(rng.standard_normal(c), True), t64(rng.standard_normal(c), True)
        y = F.group_norm(x, 1, w, b)
        axes, other = tuple(range(1, len(shape))), _bn_axes(len(shape))
    y.backward(t64(g))
    np.testing.assert_allclose(x.grad.numpy().sum(axis=axes), 0, atol=1e-10)
    np.testing.assert_allclose(b.grad.numpy(), g.sum(axis=other), rtol=1e-12, atol=1e-12)
