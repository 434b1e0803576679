"""More of torch.nn: PReLU, SELU, Mish, Softsign, Hardtanh, ReLU6; SmoothL1Loss, HuberLoss,
KLDivLoss, L1Loss, CosineEmbeddingLoss, MarginRankingLoss; F.normalize, F.cosine_similarity.

Each against its documented formula in numpy, gradcheck in float64, PyTorch (values and
gradients) where it is installed, and the errors PyTorch raises.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

REDUCTIONS = ["mean", "sum", "none"]


def t64(x, requires_grad=True):
    return ag.tensor(np.asarray(x, dtype=np.float64), requires_grad=requires_grad)


def reduce_np(loss, reduction, denominator=None):
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / (loss.size if denominator is None else denominator)


def compare_with_torch(ours, theirs, arrays, constants=(), seed=0, atol=1e-10):
    """ours(*ag tensors, *constants) vs theirs(*torch tensors, *torch constants): values and
    gradients of every float64 input under a random upstream gradient."""
    torch = pytest.importorskip("torch")
    a = [t64(x) for x in arrays]
    b = [torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=True) for x in arrays]
    ca = [ag.tensor(c) for c in constants]
    cb = [torch.tensor(c) for c in constants]
    ya, yb = ours(*a, *ca), theirs(*b, *cb)
    np.testing.assert_allclose(ya.detach().numpy(), yb.detach().numpy(), atol=atol, rtol=1e-9)
    g = np.random.default_rng(seed).standard_normal(tuple(yb.shape))
    ya.backward(ag.tensor(g))
    yb.backward(torch.tensor(g))
    for x, y in zip(a, b):
        np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), atol=atol, rtol=1e-9)


@pytest.fixture
def x_values():
    # away from the kinks (0, +-1, 6) so central differences are exact enough
    rng = np.random.default_rng(3)
    x = rng.uniform(-8, 8, (4, 5))
    x[np.abs(x) < 0.05] += 0.2
    for kink in (1.0, -1.0, 6.0, 0.5, -0.5):
        x[np.abs(x - kink) < 0.05] += 0.2
    return x


# --- names ----------------------------------------------------------------------------------------

MODULES = ["PReLU", "SELU", "Mish", "Softsign", "Hardtanh", "ReLU6", "SmoothL1Loss", "HuberLoss",
           "KLDivLoss", "L1Loss", "CosineEmbeddingLoss", "MarginRankingLoss"]
FUNCTIONS = ["prelu", "selu", "mish", "softsign", "hardtanh", "relu6", "smooth_l1_loss",
             "huber_loss", "kl_div", "l1_loss", "cosine_embedding_loss", "margin_ranking_loss",
             "normalize", "cosine_similarity"]


@pytest.mark.parametrize("name", MODULES)
def test_module_exists(name):
    assert name in nn.__all__ and issubclass(getattr(nn, name), nn.Module)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_exists(name):
    assert name in F.__all__ and callable(getattr(F, name))


# --- activations ----------------------------------------------------------------------------------

SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def _softplus(x):
    return np.logaddexp(0, x)


ACTIVATIONS = {
    "selu": (F.selu, nn.SELU(),
             lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x))),
    "mish": (F.mish, nn.Mish(), lambda x: x * np.tanh(_softplus(x))),
    "softsign": (F.softsign, nn.Softsign(), lambda x: x / (1 + np.abs(x))),
    "hardtanh": (F.hardtanh, nn.Hardtanh(), lambda x: np.clip(x, -1, 1)),
    "relu6": (F.relu6, nn.ReLU6(), lambda x: np.clip(x, 0, 6)),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_formula_and_gradcheck(name, x_values):
    fn, module, ref = ACTIVATIONS[name]
    x = ag.tensor(x_values)
    np.testing.assert_allclose(fn(x).numpy(), ref(x_values), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(module(x).numpy(), ref(x_values), rtol=1e-12, atol=1e-12)
    assert ag.gradcheck(fn, [t64(x_values)])
    if name not in ("hardtanh", "relu6"):  # piecewise linear: nothing second-order to check
        assert ag.gradgradcheck(fn, [t64(x_values[:2])])
    assert fn(ag.tensor(x_values, dtype=ag.float32)).dtype == ag.float32


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_matches_torch(name, x_values):
    torch = pytest.importorskip("torch")
    ours = ACTIVATIONS[name][0]
    theirs = getattr(torch.nn.functional, name)
    # include the kinks: PyTorch's choices there (0 at hardtanh's bounds) must agree too
    x = np.concatenate([x_values.ravel(), [-1.0, 1.0, 0.0, 6.0, 30.0, -30.0]])
    compare_with_torch(ours, theirs, [x], atol=1e-9)


def test_activation_in_place_and_reprs():
    x = ag.tensor([-2.0, 0.5, 7.0])
    out = F.relu6(x, inplace=True)
    assert out is x and x.tolist() == [0.0, 0.5, 6.0]
    y = ag.tensor([-2.0, 0.5])
    F.hardtanh_(y, -1.5, 0.2)
    assert y.tolist() == [-1.5, pytest.approx(0.2)]
    assert repr(nn.Hardtanh(-2.0, 2.0)) == "Hardtanh(min_val=-2.0, max_val=2.0)"
    assert repr(nn.ReLU6(inplace=True)) == "ReLU6(inplace=True)"
    assert repr(nn.SELU()) == "SELU()" and repr(nn.PReLU(3)) == "PReLU(num_parameters=3)"
    with pytest.raises(ValueError, match="min_val cannot be greater than max_val"):
        nn.Hardtanh(1.0, -1.0)


def test_prelu_layer():
    layer = nn.PReLU(3)
    assert list(layer.state_dict()) == ["weight"]
    assert layer.weight.tolist() == [0.25, 0.25, 0.25]
    assert nn.PReLU(init=0.1).weight.tolist() == [pytest.approx(0.1)]
    x = ag.tensor([[[-1.0, 2.0]], [[-3.0, 4.0]], [[-5.0, 6.0]]]).reshape(1, 3, 2)
    with ag.no_grad():
        layer.weight.copy_(ag.tensor([0.1, 0.2, 0.3]))
    out = layer(x)
    np.testing.assert_allclose(out.detach().numpy(), [[[-0.1, 2], [-0.6, 4], [-1.5, 6]]],
                               rtol=1e-6)
    out.sum().backward()
    np.testing.assert_allclose(layer.weight.grad.numpy(), [-1.0, -3.0, -5.0])


def test_prelu_gradcheck_and_torch(x_values):
    w = np.array([0.1, -0.3, 0.5, 0.7])
    x = x_values.reshape(1, 4, 5)  # (N, C=4, L=5)
    assert ag.gradcheck(F.prelu, [t64(x), t64(w)])
    assert ag.gradcheck(F.prelu, [t64(x), t64([0.2])])
    assert ag.gradgradcheck(lambda a, b: F.prelu(a, b) ** 2, [t64(x[:1]), t64(w)])
    torch = pytest.importorskip("torch")
    compare_with_torch(F.prelu, torch.nn.functional.prelu, [x, w])
    compare_with_torch(F.prelu, torch.nn.functional.prelu, [x_values[0], [0.2]])


def test_prelu_channel_mismatch():
    with pytest.raises(RuntimeError, match="Found parameter numbers = 3 and channel size = 4"):
        F.prelu(ag.ones(2, 4), ag.ones(3))
    with pytest.raises(RuntimeError, match="channel size = 1"):
        F.prelu(ag.ones(5), ag.ones(5))


# --- regression losses ----------------------------------------------------------------------------

@pytest.fixture
def pair():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((4, 3)) * 2
    y = rng.standard_normal((4, 3))
    d = x - y
    d[np.abs(np.abs(d) - 0.5) < 0.02] += 0.1  # away from the switch of beta = 0.5
    d[np.abs(np.abs(d) - 1.0) < 0.02] += 0.1
    return y + d, y


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("beta", [1.0, 0.5, 0.0])
def test_smooth_l1_formula(pair, reduction, beta):
    x, y = pair
    a = np.abs(x - y)
    if beta == 0:
        expected = a
    else:
        expected = np.where(a < beta, 0.5 * (x - y) ** 2 / beta, a - 0.5 * beta)
    out = F.smooth_l1_loss(ag.tensor(x), ag.tensor(y), reduction=reduction, beta=beta)
    np.testing.assert_allclose(out.numpy(), reduce_np(expected, reduction), rtol=1e-12)
    module = nn.SmoothL1Loss(reduction=reduction, beta=beta)
    np.testing.assert_allclose(module(ag.tensor(x), ag.tensor(y)).numpy(),
                               reduce_np(expected, reduction), rtol=1e-12)
    assert ag.gradcheck(lambda a, b: F.smooth_l1_loss(a, b, reduction=reduction, beta=beta),
                        [t64(x), t64(y)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("delta", [1.0, 0.5])
def test_huber_formula(pair, reduction, delta):
    x, y = pair
    a = np.abs(x - y)
    expected = np.where(a < delta, 0.5 * (x - y) ** 2, delta * (a - 0.5 * delta))
    out = nn.HuberLoss(reduction=reduction, delta=delta)(ag.tensor(x), ag.tensor(y))
    np.testing.assert_allclose(out.numpy(), reduce_np(expected, reduction), rtol=1e-12)
    assert ag.gradcheck(lambda a, b: F.huber_loss(a, b, reduction=reduction, delta=delta),
                        [t64(x), t64(y)])
    assert ag.gradgradcheck(lambda a, b: F.huber_loss(a, b, reduction=reduction, delta=delta),
                            [t64(x), t64(y)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses_match_torch(pair, reduction):
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    for beta in (1.0, 0.5, 0.0):
        compare_with_torch(lambda a, b, beta=beta: F.smooth_l1_loss(a, b, reduction=reduction,
                                                                    beta=beta),
                           lambda a, b, beta=beta: tf.smooth_l1_loss(a, b, reduction=reduction,
                                                                     beta=beta), list(pair))
    compare_with_torch(lambda a, b: F.huber_loss(a, b, reduction=reduction, delta=0.5),
                       lambda a, b: tf.huber_loss(a, b, reduction=reduction, delta=0.5),
                       list(pair))
    compare_with_torch(lambda a, b: nn.L1Loss(reduction=reduction)(a, b),
                       lambda a, b: torch.nn.L1Loss(reduction=reduction)(a, b), list(pair))


def test_regression_loss_errors():
    x = ag.ones(3)
    with pytest.raises(RuntimeError, match="negative values for beta"):
        F.smooth_l1_loss(x, x, beta=-1.0)
    with pytest.raises(RuntimeError, match="non-positive values for delta"):
        F.huber_loss(x, x, delta=0.0)
    with pytest.raises(ValueError, match="target size"):
        F.huber_loss(x, ag.ones(2))
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        F.smooth_l1_loss(x, x, reduction="batchmean")


# --- KL divergence --------------------------------------------------------------------------------

@pytest.fixture
def distributions():
    rng = np.random.default_rng(6)
    logits = rng.standard_normal((3, 4))
    log_p = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    q = rng.dirichlet(np.ones(4), size=3)
    q[0, 1] = 0.0  # a zero target: 0 ln 0 counts as 0
    q[0] /= q[0].sum()
    return log_p, q


@pytest.mark.parametrize("reduction", ["batchmean", "sum", "none", "mean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_formula(distributions, reduction, log_target):
    log_p, q = distributions
    target = np.log(np.where(q > 0, q, 1e-30)) if log_target else q
    pointwise = np.where(q > 0, q * (np.log(np.where(q > 0, q, 1)) - log_p), 0.0)
    if log_target:
        pointwise = np.exp(target) * (target - log_p)
    expected = (pointwise.sum() / 3 if reduction == "batchmean"
                else reduce_np(pointwise, reduction))
    with pytest.warns(UserWarning, match="batchmean") if reduction == "mean" else _nothing():
        out = F.kl_div(ag.tensor(log_p), ag.tensor(target), reduction=reduction,
                       log_target=log_target)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-15)
    module = nn.KLDivLoss(reduction="batchmean", log_target=log_target)
    assert module.reduction == "batchmean"
    safe = np.clip(target, -5, None) if log_target else np.where(q > 0, q, 0.1)
    assert ag.gradcheck(lambda a, b: module(a, b), [t64(log_p), t64(safe)])


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_matches_torch(distributions, log_target):
    torch = pytest.importorskip("torch")
    log_p, q = distributions
    q = np.where(q > 0, q, 0.05)  # PyTorch's target gradient is nan at a zero target
    target = np.log(q) if log_target else q
    for reduction in ("batchmean", "sum", "none"):
        compare_with_torch(
            lambda a, b, r=reduction: nn.KLDivLoss(reduction=r, log_target=log_target)(a, b),
            lambda a, b, r=reduction: torch.nn.KLDivLoss(reduction=r, log_target=log_target)(a, b),
            [log_p, target])


# --- cosine embedding, margin ranking -------------------------------------------------------------

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [0.0, 0.3])
def test_cosine_embedding_formula(reduction, margin):
    rng = np.random.default_rng(8)
    a, b = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    y = np.array([1, -1, 1, -1, -1])
    cos = (a * b).sum(1) / np.sqrt(((a * a).sum(1) + 1e-12) * ((b * b).sum(1) + 1e-12))
    expected = np.where(y == 1, 1 - cos, np.maximum(cos - margin, 0))
    out = nn.CosineEmbeddingLoss(margin, reduction=reduction)(ag.tensor(a), ag.tensor(b),
                                                              ag.tensor(y))
    np.testing.assert_allclose(out.numpy(), reduce_np(expected, reduction), rtol=1e-12)
    assert ag.gradcheck(lambda p, q: F.cosine_embedding_loss(p, q, ag.tensor(y), margin,
                                                             reduction=reduction),
                        [t64(a), t64(b)])


def test_cosine_embedding_and_margin_ranking_match_torch():
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    rng = np.random.default_rng(9)
    a, b = rng.standard_normal((6, 4)), rng.standard_normal((6, 4))
    y = np.array([1, -1, -1, 1, -1, 1])
    for reduction in REDUCTIONS:
        compare_with_torch(
            lambda p, q, t, r=reduction: F.cosine_embedding_loss(p, q, t, 0.1, reduction=r),
            lambda p, q, t, r=reduction: tf.cosine_embedding_loss(p, q, t, 0.1, reduction=r),
            [a, b], constants=[y])
        compare_with_torch(
            lambda p, q, t, r=reduction: F.margin_ranking_loss(p, q, t, 0.2, reduction=r),
            lambda p, q, t, r=reduction: tf.margin_ranking_loss(p, q, t, 0.2, reduction=r),
            [a[:, 0], b[:, 0]], constants=[y.astype(np.float64)])
    compare_with_torch(lambda p, q, t: F.cosine_embedding_loss(p, q, t),
                       lambda p, q, t: tf.cosine_embedding_loss(p, q, t),
                       [a[0], b[0]], constants=[np.array(-1)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_margin_ranking_formula(reduction):
    rng = np.random.default_rng(10)
    a, b = rng.standard_normal(7), rng.standard_normal(7)
    y = np.array([1.0, -1, 1, 1, -1, -1, 1])
    expected = np.maximum(0, -y * (a - b) + 0.5)
    out = nn.MarginRankingLoss(0.5, reduction=reduction)(ag.tensor(a), ag.tensor(b),
                                                         ag.tensor(y))
    np.testing.assert_allclose(out.numpy(), reduce_np(expected, reduction), rtol=1e-12)
    assert ag.gradcheck(lambda p, q: F.margin_ranking_loss(p, q, ag.tensor(y), 0.5,
                                                           reduction=reduction),
                        [t64(a), t64(b)])


def test_pair_loss_errors():
    with pytest.raises(RuntimeError, match="same dimension"):
        F.margin_ranking_loss(ag.ones(3), ag.ones(3), ag.ones(3, 1))
    with pytest.raises(RuntimeError, match="target tensor"):
        F.cosine_embedding_loss(ag.ones(2, 3), ag.ones(2, 3), ag.ones(2, 1))
    with pytest.raises(RuntimeError, match="one shape"):
        F.cosine_embedding_loss(ag.ones(2, 3), ag.ones(2, 4), ag.ones(2))


# --- normalize, cosine_similarity -----------------------------------------------------------------

@pytest.mark.parametrize("p", [2.0, 1.0, 3.0])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_normalize(p, dim):
    rng = np.random.default_rng(11)
    a = rng.standard_normal((3, 4))
    norm = (np.abs(a) ** p).sum(dim, keepdims=True) ** (1 / p)
    np.testing.assert_allclose(F.normalize(ag.tensor(a), p, dim).numpy(), a / norm, rtol=1e-12)
    assert ag.gradcheck(lambda x: F.normalize(x, p, dim), [t64(a)])
    zero = F.normalize(ag.zeros(2, 3), dim=1)  # max(norm, eps): zeros stay zeros
    assert zero.tolist() == [[0.0] * 3] * 2


def test_normalize_and_cosine_similarity_match_torch():
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    rng = np.random.default_rng(12)
    a, b = rng.standard_normal((4, 5)), rng.standard_normal((1, 5))
    compare_with_torch(lambda x: F.normalize(x, dim=1), lambda x: tf.normalize(x, dim=1), [a])
    compare_with_torch(lambda x: F.normalize(x, 1.0, 0), lambda x: tf.normalize(x, 1.0, 0), [a])
    compare_with_torch(F.cosine_similarity, tf.cosine_similarity, [a, b])  # broadcasting
    compare_with_torch(lambda x, y: F.cosine_similarity(x, y, dim=0),
                       lambda x, y: tf.cosine_similarity(x, y, dim=0), [a, a[::-1].copy()])
    tiny = np.array([1e-9, 2e-9, 0.0])  # a norm below eps: clamped in value, as PyTorch
    compare_with_torch(lambda x, y: F.cosine_similarity(x, y, dim=0),
                       lambda x, y: tf.cosine_similarity(x, y, dim=0),
                       [tiny, np.array([1.0, 2.0, 3.0])], atol=1e-6)


def test_cosine_similarity_formula_and_gradcheck():
    rng = np.random.default_rng(13)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    expected = (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    out = F.cosine_similarity(ag.tensor(a), ag.tensor(b))
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)
    assert ag.gradcheck(F.cosine_similarity, [t64(a), t64(b)])
    same = F.cosine_similarity(ag.tensor(a), ag.tensor(a * 3.0))
    np.testing.assert_allclose(same.numpy(), 1.0, rtol=1e-15)
    assert math.isclose(F.cosine_similarity(ag.zeros(3), ag.ones(3), dim=0).item(), 0.0)


def test_layers_follow_the_default_device():
    import fake_cuda

    with fake_cuda.installed():
        ag.set_default_device("cuda")
        try:
            model = nn.Sequential(nn.Linear(2, 3), nn.PReLU(3), nn.Mish())
            assert all(p.device.type == "cuda" for p in model.parameters())
            out = model(ag.randn(4, 2))
            assert out.device.type == "cuda"
            F.huber_loss(out, ag.zeros(4, 3)).backward()
            assert model[1].weight.grad.device.type == "cuda"
        finally:
            ag.set_default_device(None)
