"""The course's activation table: every f(x) and f'(x) against its formula, gradcheck, PyTorch.

Each row: our function, the table's f in numpy, the table's f' in numpy. The
value is compared with f, the gradient of sum(f(x)) with f', and backward
with central differences (``ag.gradcheck``, float64).
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


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _phi_cdf(x):
    from math import erf

    return 0.5 * (1 + np.vectorize(erf)(x / np.sqrt(2)))


# name -> (our function, f, f', the module)
TABLE = {
    "identity": (F.identity, lambda x: x, lambda x: np.ones_like(x), nn.Identity()),
    "binary_step": (F.binary_step, lambda x: (x >= 0).astype(float), lambda x: np.zeros_like(x),
                    nn.BinaryStep()),
    "sigmoid": (F.sigmoid, _sigmoid, lambda x: _sigmoid(x) * (1 - _sigmoid(x)), nn.Sigmoid()),
    "tanh": (F.tanh, lambda x: 2 / (1 + np.exp(-2 * x)) - 1, lambda x: 1 - np.tanh(x) ** 2,
             nn.Tanh()),
    "arctan": (F.arctan, np.arctan, lambda x: 1 / (x**2 + 1), nn.ArcTan()),
    "relu": (F.relu, lambda x: np.where(x < 0, 0, x), lambda x: (x > 0).astype(float), nn.ReLU()),
    "softplus": (F.softplus, lambda x: np.log(1 + np.exp(x)), lambda x: 1 / (1 + np.exp(-x)),
                 nn.Softplus()),
    "bent_identity": (F.bent_identity, lambda x: (np.sqrt(x**2 + 1) - 1) / 2 + x,
                      lambda x: x / (2 * np.sqrt(x**2 + 1)) + 1, nn.BentIdentity()),
    "sinusoid": (F.sinusoid, np.sin, np.cos, nn.Sinusoid()),
    "sinc": (F.sinc, lambda x: np.sin(x) / x, lambda x: np.cos(x) / x - np.sin(x) / x**2,
             nn.Sinc()),
    "gaussian": (F.gaussian, lambda x: np.exp(-(x**2)), lambda x: -2 * x * np.exp(-(x**2)),
                 nn.Gaussian()),
    "leaky_relu": (F.leaky_relu, lambda x: np.where(x > 0, x, 0.01 * x),
                   lambda x: np.where(x > 0, 1.0, 0.01), nn.LeakyReLU()),
    "elu": (F.elu, lambda x: np.where(x > 0, x, np.exp(x) - 1),
            lambda x: np.where(x > 0, 1.0, np.exp(x)), nn.ELU()),
    "gelu": (F.gelu, lambda x: x * _phi_cdf(x),
             lambda x: _phi_cdf(x) + x * np.exp(-(x**2) / 2) / np.sqrt(2 * np.pi), nn.GELU()),
    "silu": (F.silu, lambda x: x * _sigmoid(x),
             lambda x: _sigmoid(x) * (1 + x * (1 - _sigmoid(x))), nn.SiLU()),
    "soft_exponential_pos": (lambda x: F.soft_exponential(x, 0.7),
                             lambda x: (np.exp(0.7 * x) - 1) / 0.7 + 0.7,
                             lambda x: np.exp(0.7 * x), nn.SoftExponential(0.7)),
    "soft_exponential_zero": (lambda x: F.soft_exponential(x, 0.0), lambda x: x,
                              lambda x: np.ones_like(x), nn.SoftExponential(0.0)),
    "soft_exponential_neg": (lambda x: F.soft_exponential(x, -0.3),
                             lambda x: -np.log(1 - (-0.3) * (x + (-0.3))) / (-0.3),
                             lambda x: 1 / (1 - (-0.3) * (x + (-0.3))), nn.SoftExponential(-0.3)),
}

# Points away from the kinks (0 for relu, binary step, leaky relu, elu) so that central
# differences are meaningful, and inside soft exponential's domain for alpha < 0.
POINTS = np.array([-2.5, -1.3, -0.4, -0.05, 0.03, 0.2, 0.9, 1.7, 2.8])


@pytest.mark.parametrize("name", sorted(TABLE))
def test_value_and_derivative_follow_the_table(name):
    fn, f, df, _ = TABLE[name]
    x = ag.tensor(POINTS, dtype=ag.float64, requires_grad=True)
    y = fn(x)
    np.testing.assert_allclose(y._array, f(POINTS), rtol=1e-12, atol=1e-14)
    if y.requires_grad:
        y.sum().backward()
        np.testing.assert_allclose(x.grad._array, df(POINTS), rtol=1e-10, atol=1e-14)
    else:  # only the identity passes x through unchanged
        assert y is x


@pytest.mark.parametrize("name", sorted(TABLE))
def test_gradcheck(name):
    fn = TABLE[name][0]
    x = ag.tensor(POINTS.reshape(3, 3), dtype=ag.float64, requires_grad=True)
    assert ag.gradcheck(lambda t: fn(t) * 1.0, (x,))


@pytest.mark.parametrize("name", sorted(TABLE))
def test_module_equals_function(name):
    fn, _, _, module = TABLE[name]
    x = ag.tensor(POINTS, dtype=ag.float64)
    np.testing.assert_array_equal(module(x)._array, fn(x)._array)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softplus", "gelu", "elu", "sinc",
                                  "soft_exponential_pos", "soft_exponential_neg", "arctan",
                                  "bent_identity", "gaussian"])
def test_second_derivatives(name):
    fn = TABLE[name][0]
    x = ag.tensor(POINTS[1:7], dtype=ag.float64, requires_grad=True)
    assert ag.gradgradcheck(fn, (x,))


@given(st.lists(st.floats(-30, 30), min_size=1, max_size=6))
def test_float32_matches_float64(values):
    for name in ("sigmoid", "softplus", "gelu", "elu", "sinc", "bent_identity"):
        fn = TABLE[name][0]
        y32 = fn(ag.tensor(values, dtype=ag.float32))
        y64 = fn(ag.tensor(values, dtype=ag.float64))
        assert y32.dtype == ag.float32
        np.testing.assert_allclose(y32._array, y64._array, rtol=2e-6, atol=2e-6)


def test_binary_step_is_one_at_zero_and_passes_no_gradient():
    x = ag.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    y = F.binary_step(x)
    np.testing.assert_array_equal(y._array, [0.0, 1.0, 1.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad._array, [0.0, 0.0, 0.0])


@pytest.mark.parametrize("name", ["sigmoid", "softplus", "elu", "gelu", "silu", "tanh",
                                  "leaky_relu", "bent_identity", "gaussian", "arctan"])
def test_extreme_inputs_give_no_warning_and_no_nan(name):
    fn = TABLE[name][0]
    for dtype in (ag.float32, ag.float64):
        x = ag.tensor([-1000.0, -100.0, 0.0, 100.0, 1000.0], dtype=dtype, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with np.errstate(over="raise", divide="raise", invalid="raise"):
                y = fn(x)
                y.sum().backward()
        assert np.isfinite(y._array).all() and np.isfinite(x.grad._array).all()


def test_sigmoid_and_softplus_limits_at_1000():
    x = ag.tensor([-1000.0, 1000.0], dtype=ag.float64, requires_grad=True)
    np.testing.assert_array_equal(F.sigmoid(x)._array, [0.0, 1.0])
    np.testing.assert_array_equal(F.softplus(x)._array, [0.0, 1000.0])
    F.softplus(x).sum().backward()
    np.testing.assert_array_equal(x.grad._array, [0.0, 1.0])


@pytest.mark.parametrize("dtype", [ag.float16, ag.float32, ag.float64])
def test_sigmoid_keeps_the_dtype_and_shape_without_warnings(dtype):
    for data in ([[-1000.0, -90.0, -3.0], [0.0, 17.0, 1000.0]], 0.75):
        x = ag.tensor(data, dtype=dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # exp(-x) overflows below -88.7 in float32
            y = F.sigmoid(x)
        assert y.dtype == dtype and y.shape == x.shape
        assert isinstance(y._array, np.ndarray)  # a 0-d array, not a numpy scalar
        with np.errstate(over="ignore"):
            expected = 1 / (1 + np.exp(-np.asarray(data, np.float64)))
        np.testing.assert_allclose(y._array, expected, rtol=1e-3, atol=np.finfo(dtype.np).tiny)
    assert ag.tensor([1, -2]).sigmoid().dtype == ag.float32  # integers: the default float


def test_sigmoid_is_zero_where_pytorch_is_zero():
    # 1 / (1 + e^-x): e^-x overflows to inf below about -88.72 in float32, and PyTorch
    # gives 0 there (a stable exp(-log(1 + e^-x)) would give denormals, which it does not)
    x = ag.tensor([-104.0, -100.0, -90.0, -88.5, -87.0])
    y = F.sigmoid(x)._array
    np.testing.assert_array_equal(y[:3], 0.0)
    assert (y[3:] > 0).all()


def test_sigmoid_matches_pytorch_to_the_last_bits():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-110, 30, 20000), rng.normal(0, 4, 20000)])
    for dtype in (np.float32, np.float64):
        ours = F.sigmoid(ag.tensor(x.astype(dtype)))._array
        theirs = torch.sigmoid(torch.from_numpy(x.astype(dtype))).numpy()
        np.testing.assert_allclose(ours, theirs, rtol=4 * np.finfo(dtype).eps, atol=0)


# Both of relu's ways to compare with 0: a row of zeros (last axis of 64 or more float
# elements), else a 0-d zero; and the integers, which keep their dtype.
RELU_SHAPES = [(5,), (3, 63), (3, 64), (2, 3, 700), (700, 1)]


@pytest.mark.parametrize("shape", RELU_SHAPES)
@pytest.mark.parametrize("dtype", [ag.float16, ag.float32, ag.float64])
def test_relu_values_signed_zeros_nan_and_gradient(shape, dtype):
    rng = np.random.default_rng(1)
    data = rng.standard_normal(shape).astype(dtype.np)
    flat = data.reshape(-1)
    flat[:4] = [-0.0, 0.0, np.nan, -np.inf]
    x = ag.tensor(data, requires_grad=True)
    y = F.relu(x)
    assert y.dtype == dtype and y.shape == shape
    expected = np.where(data > 0, data, 0).astype(dtype.np)
    expected.reshape(-1)[:4] = [-0.0, 0.0, np.nan, 0.0]
    np.testing.assert_array_equal(y._array, expected)
    if dtype != ag.float16:  # numpy's float16 maximum breaks ties the other way
        # PyTorch keeps -0.0, and so do we
        np.testing.assert_array_equal(np.signbit(y._array.reshape(-1)[:2]), [True, False])
    y.backward(ag.ones_like(y))
    # the derivative: 1 where y != 0, and NaN passes its gradient as in PyTorch
    np.testing.assert_array_equal(x.grad._array, (expected != 0).astype(dtype.np))


def test_relu_of_integers_keeps_their_dtype():
    for n in (3, 100):
        x = ag.tensor(np.arange(-n, n), dtype=ag.int64)
        y = F.relu(x)
        assert y.dtype == ag.int64
        np.testing.assert_array_equal(y._array, np.maximum(np.arange(-n, n), 0))


def test_relu_leaves_its_zero_row_untouched():
    x = ag.tensor(-np.ones((2, 128), np.float32))
    out = F.relu(x)
    out._array += 5  # the result is an array of its own, not the shared row of zeros
    np.testing.assert_array_equal(F.relu(x)._array, np.zeros((2, 128), np.float32))


def test_relu_matches_pytorch_bits():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    for shape in RELU_SHAPES:
        x = rng.standard_normal(shape).astype(np.float32)
        x.reshape(-1)[:3] = [-0.0, 0.0, np.nan]
        ours = F.relu(ag.tensor(x))._array
        theirs = torch.relu(torch.from_numpy(x)).numpy()
        np.testing.assert_array_equal(ours, theirs)
        np.testing.assert_array_equal(np.signbit(ours), np.signbit(theirs))


def test_softplus_beta_and_threshold():
    x = np.array([-3.0, -0.5, 0.5, 4.0, 9.0, 11.0])
    t = ag.tensor(x, dtype=ag.float64, requires_grad=True)
    y = F.softplus(t, beta=2.0, threshold=20.0)
    soft = np.log1p(np.exp(2 * x)) / 2
    np.testing.assert_allclose(y._array, np.where(2 * x > 20, x, soft), rtol=1e-13)
    y.sum().backward()
    expected = np.where(2 * x > 20, 1.0, _sigmoid(2 * x))
    np.testing.assert_allclose(t.grad._array, expected, rtol=1e-13)
    assert ag.gradcheck(lambda v: F.softplus(v, 0.5, 3.0), (ag.tensor(x, dtype=ag.float64,
                                                                     requires_grad=True),))


def test_sinc_is_smooth_at_and_near_zero():
    x = np.array([0.0, 1e-12, -1e-8, 1e-4, 0.0999, 0.1001, -0.5])
    t = ag.tensor(x, dtype=ag.float64, requires_grad=True)
    y = F.sinc(t)
    y.sum().backward()
    # Reference: the table's formula in long double away from 0, its Taylor series
    # (1 - x^2/6, -x/3 + x^3/30) very near 0 where the formula cancels, and the limits at 0.
    xl = x.astype(np.longdouble)
    safe = np.where(xl == 0, 1, xl)
    near = np.abs(x) < 1e-3
    f = np.where(near, 1 - xl**2 / 6, np.sin(safe) / safe)
    df = np.where(near, -xl / 3 + xl**3 / 30, np.cos(safe) / safe - np.sin(safe) / safe**2)
    np.testing.assert_allclose(y._array, f.astype(float), rtol=1e-15, atol=1e-16)
    np.testing.assert_allclose(t.grad._array, df.astype(float), rtol=1e-9, atol=1e-15)
    assert np.isfinite(t.grad._array).all()
    assert ag.gradcheck(F.sinc, (ag.tensor([0.0, 1e-3, -0.05, 0.1], dtype=ag.float64,
                                           requires_grad=True),))


@pytest.mark.parametrize("alpha", [-0.6, -1e-8, 0.0, 1e-8, 0.4, 1.3])
def test_soft_exponential_gradient_wrt_learnable_alpha(alpha):
    x = ag.tensor([-0.5, 0.1, 0.3, 0.8], dtype=ag.float64, requires_grad=True)
    a = ag.tensor(alpha, dtype=ag.float64, requires_grad=True)
    F.soft_exponential(x, a).sum().backward()

    def f(al):
        if al < 0:
            return -np.log(1 - al * (x._array + al)) / al
        if al == 0:
            return x._array
        return (np.exp(al * x._array) - 1) / al + al

    # df/dalpha by central differences on the formula; at alpha = 0 the one-sided limits
    # agree: x^2/2 + 1.
    h = 1e-5
    if abs(alpha) < 1e-6:
        expected = x._array**2 / 2 + 1
        np.testing.assert_allclose(a.grad.item(), expected.sum(), rtol=1e-6)
    else:
        expected = (f(alpha + h) - f(alpha - h)) / (2 * h)
        np.testing.assert_allclose(a.grad.item(), expected.sum(), rtol=1e-7)
    if abs(alpha) > 1e-6:
        assert ag.gradcheck(F.soft_exponential, (x, a))


def test_soft_exponential_module_alpha_is_a_parameter_that_learns():
    act = nn.SoftExponential(0.5, learnable=True)
    assert [name for name, _ in act.named_parameters()] == ["alpha"]
    assert repr(act) == "SoftExponential(alpha=0.5, learnable=True)"
    x = ag.tensor([0.2, -0.4, 1.0])
    act(x).sum().backward()
    assert act.alpha.grad is not None and act.alpha.grad.shape == ()
    assert list(nn.SoftExponential(0.5).parameters()) == []


def test_soft_exponential_rejects_a_vector_alpha():
    with pytest.raises(ValueError, match="one-element"):
        F.soft_exponential(ag.ones(3), ag.ones(2))


def test_gelu_rejects_unknown_approximation():
    with pytest.raises(ValueError, match="tanh"):
        F.gelu(ag.ones(2), approximate="fast")
    with pytest.raises(ValueError, match="tanh"):
        nn.GELU("fast")


def test_softmax_outputs_lie_in_0_1_and_sum_to_one():
    x = ag.tensor([[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0]], dtype=ag.float64)
    p = nn.Softmax(dim=1)(x)
    assert ((p._array >= 0) & (p._array <= 1)).all()
    np.testing.assert_allclose(p._array.sum(axis=1), 1.0)
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(p._array[0], e / e.sum(), rtol=1e-14)
    np.testing.assert_allclose(nn.LogSoftmax(dim=1)(x)._array[0], np.log(e / e.sum()), rtol=1e-14)
    assert np.isfinite(nn.LogSoftmax(dim=1)(x)._array).all()


def test_softmax_without_dim_warns_and_uses_pytorchs_choice():
    x = ag.tensor([[1.0, 2.0], [3.0, 5.0]])
    with pytest.warns(UserWarning, match="Implicit dimension"):
        p = F.softmax(x)
    np.testing.assert_allclose(p._array.sum(axis=1), 1.0, rtol=1e-6)


def test_activation_reprs_match_pytorch_layout():
    assert repr(nn.ReLU()) == "ReLU()"
    assert repr(nn.Sigmoid()) == "Sigmoid()"
    assert repr(nn.Softplus()) == "Softplus(beta=1.0, threshold=20.0)"
    assert repr(nn.LeakyReLU()) == "LeakyReLU(negative_slope=0.01)"
    assert repr(nn.ELU()) == "ELU(alpha=1.0)"
    assert repr(nn.GELU()) == "GELU(approximate='none')"
    assert repr(nn.Softmax(dim=1)) == "Softmax(dim=1)"
    assert repr(nn.LogSoftmax(dim=-1)) == "LogSoftmax(dim=-1)"


# --- against PyTorch ---------------------------------------------------------------------

PYTORCH_PAIRS = [
    ("Sigmoid", {}), ("Tanh", {}), ("ReLU", {}), ("Softplus", {}),
    ("Softplus", {"beta": 2.0, "threshold": 5.0}), ("LeakyReLU", {}),
    ("LeakyReLU", {"negative_slope": 0.2}), ("ELU", {}), ("ELU", {"alpha": 0.5}), ("GELU", {}),
    ("GELU", {"approximate": "tanh"}), ("SiLU", {}), ("Identity", {}), ("Softmax", {"dim": 1}),
    ("LogSoftmax", {"dim": 1}), ("Softmax", {"dim": 0}),
]


@pytest.mark.parametrize("name,kwargs", PYTORCH_PAIRS)
def test_matches_pytorch(name, kwargs):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 5)) * 4
    x[0, :3] = [1000.0, -1000.0, 0.0]
    g = rng.standard_normal((4, 5))
    ours = getattr(nn, name)(**kwargs)
    theirs = getattr(torch.nn, name)(**kwargs)
    assert repr(ours) == repr(theirs)
    a = ag.tensor(x, dtype=ag.float64, requires_grad=True)
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    ya, yt = ours(a), theirs(t)
    np.testing.assert_allclose(ya._array, yt.detach().numpy(), rtol=1e-13, atol=1e-15)
    if ya.requires_grad:
        (ya * ag.tensor(g)).sum().backward()
        (yt * torch.tensor(g)).sum().backward()
        np.testing.assert_allclose(a.grad._array, t.grad.numpy(), rtol=1e-12, atol=1e-15)
    a32 = ag.tensor(x, dtype=ag.float32)
    t32 = torch.tensor(x, dtype=torch.float32)
    np.testing.assert_allclose(ours(a32)._array, theirs(t32).numpy(), rtol=1e-5, atol=1e-6)


def test_arctan_and_sinusoid_match_pytorch():
    torch = pytest.importorskip("torch")
    x = np.linspace(-4, 4, 9)
    np.testing.assert_allclose(F.arctan(ag.tensor(x, dtype=ag.float64))._array,
                               torch.atan(torch.tensor(x)).numpy(), rtol=1e-15)
    np.testing.assert_allclose(F.sinusoid(ag.tensor(x, dtype=ag.float64))._array,
                               torch.sin(torch.tensor(x)).numpy(), rtol=1e-15)


