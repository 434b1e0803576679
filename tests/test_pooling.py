"""Pooling: max, average and adaptive pooling, functional and as layers.

Gradients against central differences (float64, inputs without ties), values,
gradients and return_indices against PyTorch in float32 and float64, PyTorch's
rules for ties (one element gets a window's gradient, the first maximum),
overlapping windows, ceil_mode, count_include_pad and divisor_override, the
layers' repr, errors, and the fake CUDA backend.
"""

from __future__ import annotations

import fake_cuda
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

RNG = np.random.default_rng(4321)
DTYPES = [np.float32, np.float64]


def _distinct(shape):
    """Values at least 0.05 apart: no ties, so max pooling is differentiable there."""
    n = int(np.prod(shape))
    return (RNG.permutation(n).reshape(shape) * 0.05 - n * 0.025).astype(np.float64)


MAX2D = [
    {"kernel_size": 2},
    {"kernel_size": 3, "stride": 2, "padding": 1},
    {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
    {"kernel_size": (2, 3), "stride": 1, "dilation": 2, "padding": (1, 1)},  # overlapping
    {"kernel_size": 3, "stride": 1},  # every element in up to 9 windows
    {"kernel_size": (3, 2), "stride": (2, 3), "ceil_mode": True, "dilation": (1, 2)},
]
AVG2D = [
    {"kernel_size": 2},
    {"kernel_size": 3, "stride": 2, "padding": 1},
    {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
    {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": False},
    {"kernel_size": (2, 3), "stride": 1, "padding": (1, 1), "divisor_override": 5},
    {"kernel_size": 3, "stride": 1},
]
MAX1D = [{"kernel_size": 2}, {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
         {"kernel_size": 2, "stride": 1, "dilation": 3}]
AVG1D = [{"kernel_size": 2}, {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
         {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False}]
ADAPTIVE = [(3, 2), (4, 3), 5, (None, 2), (9, 8), (1, 1)]


# --- gradcheck -----------------------------------------------------------------------------

@pytest.mark.parametrize("kw", MAX2D)
def test_max_pool2d_gradcheck(kw) -> None:
    x = ag.tensor(_distinct((2, 3, 9, 8)), requires_grad=True)
    assert ag.gradcheck(lambda x: F.max_pool2d(x, **kw), (x,), eps=1e-4)


@pytest.mark.parametrize("kw", AVG2D)
def test_avg_pool2d_gradcheck(kw) -> None:
    x = ag.tensor(RNG.standard_normal((2, 3, 9, 8)), requires_grad=True)
    assert ag.gradcheck(lambda x: F.avg_pool2d(x, **kw), (x,))


@pytest.mark.parametrize("kw", MAX1D)
def test_max_pool1d_gradcheck(kw) -> None:
    x = ag.tensor(_distinct((2, 3, 11)), requires_grad=True)
    assert ag.gradcheck(lambda x: F.max_pool1d(x, **kw), (x,), eps=1e-4)


@pytest.mark.parametrize("kw", AVG1D)
def test_avg_pool1d_gradcheck(kw) -> None:
    x = ag.tensor(RNG.standard_normal((2, 3, 11)), requires_grad=True)
    assert ag.gradcheck(lambda x: F.avg_pool1d(x, **kw), (x,))


@pytest.mark.parametrize("size", ADAPTIVE)
def test_adaptive_pool2d_gradcheck(size) -> None:
    x = ag.tensor(_distinct((2, 3, 9, 8)), requires_grad=True)
    assert ag.gradcheck(lambda x: F.adaptive_avg_pool2d(x, size), (x,))
    assert ag.gradcheck(lambda x: F.adaptive_max_pool2d(x, size), (x,), eps=1e-4)


def test_adaptive_avg_pool1d_gradcheck_and_second_order() -> None:
    x = ag.tensor(RNG.standard_normal((2, 3, 11)), requires_grad=True)
    assert ag.gradcheck(lambda x: F.adaptive_avg_pool1d(x, 4), (x,))
    # two matrix products: differentiable again
    assert ag.gradgradcheck(lambda x: F.adaptive_avg_pool2d(x, (2, 3)),
                            (ag.tensor(RNG.standard_normal((1, 2, 5, 7)), requires_grad=True),))


# --- against PyTorch -----------------------------------------------------------------------

def _against_torch(ours, theirs, x, dtype):
    torch = pytest.importorskip("torch")
    tdtype = torch.float64 if dtype == np.float64 else torch.float32
    a = ag.tensor(x.astype(dtype), requires_grad=True)
    t = torch.tensor(x, dtype=tdtype, requires_grad=True)
    y, yt = ours(a), theirs(t)
    indices = None
    if isinstance(y, tuple):
        (y, indices), (yt, t_indices) = y, yt
        assert indices.dtype == ag.int64
        np.testing.assert_array_equal(indices.numpy(), t_indices.numpy())
    assert y.shape == tuple(yt.shape) and y.dtype == a.dtype
    seed = RNG.standard_normal(y.shape)
    y.backward(ag.tensor(seed.astype(dtype)))
    yt.backward(torch.tensor(seed, dtype=tdtype))
    tol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(y.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kw", MAX2D)
def test_max_pool2d_matches_torch(kw, dtype) -> None:
    torch = pytest.importorskip("torch")
    x = RNG.standard_normal((2, 3, 9, 8))
    for indices in (False, True):
        _against_torch(
            lambda a, i=indices: F.max_pool2d(a, return_indices=i, **kw),
            lambda t, i=indices: torch.nn.functional.max_pool2d(t, return_indices=i, **kw),
            x, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kw", AVG2D)
def test_avg_pool2d_matches_torch(kw, dtype) -> None:
    torch = pytest.importorskip("torch")
    _against_torch(lambda a: F.avg_pool2d(a, **kw),
                   lambda t: torch.nn.functional.avg_pool2d(t, **kw),
                   RNG.standard_normal((2, 3, 9, 8)), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kw", MAX1D)
def test_max_pool1d_matches_torch(kw, dtype) -> None:
    torch = pytest.importorskip("torch")
    _against_torch(lambda a: F.max_pool1d(a, return_indices=True, **kw),
                   lambda t: torch.nn.functional.max_pool1d(t, return_indices=True, **kw),
                   RNG.standard_normal((2, 3, 11)), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kw", AVG1D)
def test_avg_pool1d_matches_torch(kw, dtype) -> None:
    torch = pytest.importorskip("torch")
    _against_torch(lambda a: F.avg_pool1d(a, **kw),
                   lambda t: torch.nn.functional.avg_pool1d(t, **kw),
                   RNG.standard_normal((2, 3, 11)), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("size", ADAPTIVE)
def test_adaptive_pools_match_torch(size, dtype) -> None:
    torch = pytest.importorskip("torch")
    x = RNG.standard_normal((2, 3, 9, 8))
    _against_torch(lambda a: F.adaptive_avg_pool2d(a, size),
                   lambda t: torch.nn.functional.adaptive_avg_pool2d(t, size), x, dtype)
    _against_torch(lambda a: F.adaptive_max_pool2d(a, size, return_indices=True),
                   lambda t: torch.nn.functional.adaptive_max_pool2d(t, size, True), x, dtype)
    if not isinstance(size, tuple):
        _against_torch(lambda a: F.adaptive_avg_pool1d(a, size),
                       lambda t: torch.nn.functional.adaptive_avg_pool1d(t, size),
                       x[:, :, 0], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_ties_match_torch(dtype) -> None:
    """Rounded values with many ties, overlapping windows: the same winners as PyTorch."""
    torch = pytest.importorskip("torch")
    x = np.round(RNG.standard_normal((2, 2, 8, 9)))
    for kw in MAX2D:
        _against_torch(
            lambda a, kw=kw: F.max_pool2d(a, return_indices=True, **kw),
            lambda t, kw=kw: torch.nn.functional.max_pool2d(t, return_indices=True, **kw),
            x, dtype)
    _against_torch(lambda a: F.adaptive_max_pool2d(a, (3, 4), return_indices=True),
                   lambda t: torch.nn.functional.adaptive_max_pool2d(t, (3, 4), True), x, dtype)


# --- the rules, without PyTorch --------------------------------------------------------------

def test_a_tied_window_sends_its_gradient_to_the_first_maximum_only() -> None:
    x = ag.tensor(np.ones((1, 1, 2, 4)), requires_grad=True)
    y = F.max_pool2d(x, 2)
    y.backward(ag.tensor([[[[3.0, 5.0]]]], dtype=ag.float64))
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], [[3, 0, 5, 0], [0, 0, 0, 0]])


def test_overlapping_windows_add_their_gradients() -> None:
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 1.0  # the centre is the maximum of all four 2x2 windows
    t = ag.tensor(x, requires_grad=True)
    F.max_pool2d(t, 2, stride=1).sum().backward()
    expected = np.zeros((3, 3))
    expected[1, 1] = 4.0
    np.testing.assert_array_equal(t.grad.numpy()[0, 0], expected)
    # average pooling: the centre is in 4 windows of 4, each giving 1/4
    t = ag.tensor(x, requires_grad=True)
    F.avg_pool2d(t, 2, stride=1).sum().backward()
    np.testing.assert_allclose(t.grad.numpy()[0, 0], [[0.25, 0.5, 0.25], [0.5, 1, 0.5],
                                                      [0.25, 0.5, 0.25]])


def test_max_pool2d_indices_are_flat_per_plane() -> None:
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    y, idx = F.max_pool2d(ag.tensor(x), 2, return_indices=True)
    np.testing.assert_array_equal(y.numpy()[0, 0], [[5, 7], [13, 15]])
    np.testing.assert_array_equal(idx.numpy()[0, 0], [[5, 7], [13, 15]])
    assert idx.dtype == ag.int64


def test_avg_pool2d_divisors_by_hand() -> None:
    """3x3 windows, stride 2, padding 1 over a 4x4 plane of ones: with the padding counted,
    corner windows see 4 ones out of 9; without it, 4 out of 4."""
    x = ag.ones(1, 1, 4, 4, dtype=ag.float64)
    with_pad = F.avg_pool2d(x, 3, 2, 1).numpy()[0, 0]
    np.testing.assert_allclose(with_pad, [[4 / 9, 6 / 9], [6 / 9, 9 / 9]])
    without = F.avg_pool2d(x, 3, 2, 1, count_include_pad=False).numpy()[0, 0]
    np.testing.assert_allclose(without, np.ones((2, 2)))
    override = F.avg_pool2d(x, 3, 2, 1, divisor_override=2).numpy()[0, 0]
    np.testing.assert_allclose(override, [[2, 3], [3, 4.5]])


def test_ceil_mode_adds_a_last_partial_window() -> None:
    x = ag.tensor(np.arange(25.0).reshape(1, 1, 5, 5))
    assert F.max_pool2d(x, 2).shape == (1, 1, 2, 2)
    y = F.max_pool2d(x, 2, ceil_mode=True)
    assert y.shape == (1, 1, 3, 3)
    np.testing.assert_array_equal(y.numpy()[0, 0, 2], [21, 23, 24])
    # the last window only partly covers the input: divided by what it covers
    np.testing.assert_allclose(F.avg_pool2d(x, 2, ceil_mode=True).numpy()[0, 0, 2, 2], 24.0)


def test_adaptive_windows_follow_pytorchs_bounds() -> None:
    """5 inputs into 3 outputs: windows [0, 2), [1, 4), [3, 5)."""
    x = ag.tensor(np.array([[[1.0, 2.0, 3.0, 4.0, 5.0]]]), requires_grad=True)
    y = F.adaptive_avg_pool1d(x, 3)
    np.testing.assert_allclose(y.detach().numpy()[0, 0], [1.5, 3.0, 4.5])
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy()[0, 0], [0.5, 0.5 + 1 / 3, 1 / 3, 1 / 3 + 0.5, 0.5])


def test_unbatched_pooling() -> None:
    x = RNG.standard_normal((3, 6, 6))
    np.testing.assert_array_equal(F.max_pool2d(ag.tensor(x), 2).numpy(),
                                  F.max_pool2d(ag.tensor(x[None]), 2).numpy()[0])
    assert F.avg_pool1d(ag.tensor(x[0]), 2).shape == (6, 3)
    assert F.adaptive_max_pool2d(ag.tensor(x), 2, return_indices=True)[1].shape == (3, 2, 2)


def test_max_pool_create_graph_says_first_order_only() -> None:
    x = ag.tensor(_distinct((1, 1, 4, 4)), requires_grad=True)
    with pytest.raises(RuntimeError, match="first-order gradients only"):
        ag.grad(F.max_pool2d(x, 2).sum(), [x], create_graph=True)


# --- layers --------------------------------------------------------------------------------

LAYERS = [
    ("MaxPool2d", (2,), {}),
    ("MaxPool2d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True}),
    ("MaxPool2d", ((2, 3),), {"stride": 1, "dilation": 2}),
    ("MaxPool1d", (3,), {"stride": 2}),
    ("AvgPool2d", (2,), {}),
    ("AvgPool2d", (3,), {"stride": 2, "padding": 1, "count_include_pad": False}),
    ("AvgPool2d", (2,), {"divisor_override": 3}),
    ("AvgPool1d", (3,), {"padding": 1}),
    ("AdaptiveAvgPool2d", ((5, None),), {}),
    ("AdaptiveAvgPool1d", (3,), {}),
    ("AdaptiveMaxPool2d", (3,), {}),
]


@pytest.mark.parametrize("layer, args, kwargs", LAYERS)
def test_layers_match_torch(layer, args, kwargs) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(nn, layer)(*args, **kwargs), getattr(torch.nn, layer)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == [] == list(theirs.state_dict())
    shape = (2, 3, 7) if layer.endswith("1d") else (2, 3, 7, 8)
    _against_torch(ours, theirs, RNG.standard_normal(shape), np.float32)


def test_layers_return_indices() -> None:
    torch = pytest.importorskip("torch")
    x = RNG.standard_normal((2, 3, 7, 8))
    for layer, args in (("MaxPool2d", (2,)), ("AdaptiveMaxPool2d", ((3, 2),)),
                        ("MaxPool1d", (2,))):
        data = x[:, :, 0] if layer.endswith("1d") else x
        _against_torch(getattr(nn, layer)(*args, return_indices=True),
                       getattr(torch.nn, layer)(*args, return_indices=True), data, np.float64)


def test_lenet_shapes() -> None:
    model = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5),
                          nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(256, 120))
    assert model(ag.randn(4, 1, 28, 28)).shape == (4, 120)


# --- errors --------------------------------------------------------------------------------

ERRORS = [
    ("pad too big", lambda F, x: F.max_pool2d(x((2, 3, 8, 8)), 2, padding=2)),
    ("avg pad too big", lambda F, x: F.avg_pool2d(x((2, 3, 8, 8)), 2, padding=2)),
    ("output too small", lambda F, x: F.max_pool2d(x((2, 3, 8, 8)), 9)),
    ("avg output too small", lambda F, x: F.avg_pool2d(x((2, 3, 8, 8)), 9)),
    ("stride zero", lambda F, x: F.max_pool2d(x((2, 3, 8, 8)), 2, stride=0)),
]


@pytest.mark.parametrize("name, call", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(name, call) -> None:
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as expected:  # noqa: PT011 - whatever torch raises
        call(torch.nn.functional, lambda s: torch.zeros(s))
    with pytest.raises(expected.type) as info:
        call(F, lambda s: ag.zeros(s))
    assert str(info.value) == str(expected.value).splitlines()[0]


def test_bad_dimensions_name_the_shape() -> None:
    with pytest.raises(RuntimeError, match=r"Expected 3D or 4D .* input of size: \[8, 8\]"):
        F.max_pool2d(ag.zeros(8, 8), 2)
    with pytest.raises(RuntimeError, match=r"input of size: \[2, 3, 4, 4\]"):
        F.max_pool1d(ag.zeros(2, 3, 4, 4), 2)
    with pytest.raises(RuntimeError, match="output_size must be positive"):
        F.adaptive_avg_pool2d(ag.zeros(1, 2, 4, 4), (0, 2))
    with pytest.raises(RuntimeError, match="divisor must be not zero"):
        F.avg_pool2d(ag.zeros(1, 2, 4, 4), 2, divisor_override=0)


# --- the fake CUDA backend -----------------------------------------------------------------

CUDA_CASES = [
    ("max_pool2d", lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True)),
    ("max_pool2d dilated", lambda x: F.max_pool2d(x, 2, 1, dilation=2)),
    ("max_pool1d", lambda x: F.max_pool1d(x[:, :, 0], 2)),
    ("avg_pool2d", lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False)),
    ("avg_pool2d override", lambda x: F.avg_pool2d(x, 2, divisor_override=3)),
    ("avg_pool1d", lambda x: F.avg_pool1d(x[:, :, 0], 3, 2, 1)),
    ("adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, (4, 3))),
    ("adaptive_avg_pool1d", lambda x: F.adaptive_avg_pool1d(x[:, :, 0], 3)),
    ("adaptive_max_pool2d", lambda x: F.adaptive_max_pool2d(x, (4, 3))),
]


@pytest.mark.parametrize("name, fn", CUDA_CASES, ids=[c[0] for c in CUDA_CASES])
@pytest.mark.parametrize("dtype", DTYPES)
def test_fake_cuda_equals_cpu(name, fn, dtype) -> None:
    x = _distinct((2, 3, 9, 8)).astype(dtype)
    results = {}
    with fake_cuda.installed():
        for device in ("cpu", "cuda"):
            t = ag.tensor(x, requires_grad=True, device=device)
            y = fn(t)
            y.backward(ag.tensor(np.linspace(-1, 1, y.numel()).reshape(y.shape).astype(dtype),
                                 device=device))
            assert y.device == t.grad.device == ag.device(device)
            results[device] = (y.detach().cpu().numpy(), t.grad.cpu().numpy())
    tol = 1e-12 if dtype == np.float64 else 1e-5
    for a, b in zip(results["cpu"], results["cuda"], strict=True):
        np.testing.assert_allclose(b, a, rtol=tol, atol=tol)


def test_fake_cuda_indices_stay_on_the_gpu() -> None:
    x = _distinct((1, 2, 6, 6))

    def indices(t):
        return [F.max_pool2d(t, 2, return_indices=True)[1],
                F.adaptive_max_pool2d(t, 4, return_indices=True)[1]]

    on_cpu = indices(ag.tensor(x))
    with fake_cuda.installed():
        on_gpu = indices(ag.tensor(x, device="cuda"))
        for gpu, cpu in zip(on_gpu, on_cpu, strict=True):
            assert gpu.device == ag.device("cuda:0") and gpu.dtype == ag.int64
            np.testing.assert_array_equal(gpu.cpu().numpy(), cpu.numpy())


def test_a_nan_in_a_window_gives_nan_and_takes_the_gradient() -> None:
    x = ag.tensor(np.array([[[[np.nan, 1.0, 3.0, 2.0]]]]), requires_grad=True)
    y = F.max_pool2d(x, (1, 2))
    assert np.isnan(y.detach().numpy()[0, 0, 0, 0]) and y.detach().numpy()[0, 0, 0, 1] == 3.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy()[0, 0, 0], [1.0, 0.0, 1.0, 0.0])
