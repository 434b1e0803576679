"""Convolutions: conv1d, conv2d, conv_transpose2d, pad, unfold, fold and their layers.

Gradients against central differences (``ag.gradcheck``, float64) over strides,
paddings, dilations and groups; values and every gradient against PyTorch in
float32 and float64 with the same weights; PyTorch's init, state_dict, repr and
error messages; the same ops on the fake CUDA backend.
"""

from __future__ import annotations

import math

import fake_cuda
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

RNG = np.random.default_rng(1234)


def _arrays(*shapes):
    return [RNG.standard_normal(s) for s in shapes]


# (input shape, weight shape, kwargs): conv2d configurations
CONV2D = [
    ((2, 3, 7, 6), (4, 3, 3, 3), {}),
    ((2, 3, 8, 7), (4, 3, 3, 2), {"stride": 2, "padding": 1}),
    ((1, 4, 9, 8), (6, 2, 3, 2), {"stride": (2, 1), "padding": (1, 2), "dilation": 2,
                                  "groups": 2}),
    ((2, 4, 6, 7), (8, 1, 3, 3), {"padding": 1, "groups": 4}),  # depthwise, multiplier 2
    ((2, 2, 6, 5), (3, 2, 2, 4), {"padding": "same", "dilation": (2, 1)}),  # uneven 'same'
    ((2, 2, 5, 5), (3, 2, 3, 3), {"padding": "valid", "stride": 3}),
    ((2, 3, 5, 5), (2, 3, 1, 1), {}),
]
CONV1D = [
    ((2, 3, 11), (4, 3, 3), {}),
    ((2, 4, 12), (6, 2, 3), {"stride": 2, "padding": 2, "dilation": 2, "groups": 2}),
    ((1, 2, 7), (3, 2, 4), {"padding": "same"}),
]
# (input shape, weight shape (C_in, C_out/groups, kh, kw), kwargs)
CONV_T = [
    ((2, 3, 4, 5), (3, 2, 3, 3), {}),
    ((2, 3, 4, 4), (3, 2, 3, 2), {"stride": 2, "padding": 1, "output_padding": 1}),
    ((1, 4, 3, 4), (4, 3, 2, 3), {"stride": (2, 3), "padding": (1, 0),
                                  "output_padding": (0, 2), "dilation": (1, 2), "groups": 2}),
    ((2, 2, 3, 3), (2, 1, 3, 3), {"stride": 1, "dilation": 2, "output_padding": 1}),
]


def _conv2d_case(x_shape, w_shape, kw, bias=True):
    out_channels = w_shape[0]
    arrays = _arrays(x_shape, w_shape) + (_arrays((out_channels,)) if bias else [])
    return arrays


# --- gradcheck -----------------------------------------------------------------------------

@pytest.mark.parametrize("x_shape, w_shape, kw", CONV2D)
def test_conv2d_gradcheck(x_shape, w_shape, kw) -> None:
    x, w, b = (ag.tensor(a, requires_grad=True) for a in _conv2d_case(x_shape, w_shape, kw))
    assert ag.gradcheck(lambda x, w, b: F.conv2d(x, w, b, **kw), (x, w, b))


@pytest.mark.parametrize("x_shape, w_shape, kw", CONV1D)
def test_conv1d_gradcheck(x_shape, w_shape, kw) -> None:
    x, w, b = (ag.tensor(a, requires_grad=True) for a in _conv2d_case(x_shape, w_shape, kw))
    assert ag.gradcheck(lambda x, w, b: F.conv1d(x, w, b, **kw), (x, w, b))


@pytest.mark.parametrize("x_shape, w_shape, kw", CONV_T)
def test_conv_transpose2d_gradcheck(x_shape, w_shape, kw) -> None:
    out_channels = w_shape[1] * kw.get("groups", 1)
    x, w, b = (ag.tensor(a, requires_grad=True)
               for a in _arrays(x_shape, w_shape, (out_channels,)))
    assert ag.gradcheck(lambda x, w, b: F.conv_transpose2d(x, w, b, **kw), (x, w, b))


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("widths", [(1, 2), (2, 1, 0, 3), (1, 1, 2, 0, 1, 1)])
def test_pad_gradcheck(mode, widths) -> None:
    x = ag.tensor(RNG.standard_normal(_pad_shape(widths)), requires_grad=True)
    assert ag.gradcheck(lambda x: F.pad(x, widths, mode=mode, value=None), (x,))


def _pad_shape(widths):
    """A batched input for 1 or 2 padded dims, an unbatched 3-d one for 3 (as PyTorch asks
    of the copying modes)."""
    return (2, 3, 4, 5)[:len(widths) // 2 + 2]


def test_pad_constant_with_negative_widths_crops_and_gradchecks() -> None:
    x = ag.tensor(RNG.standard_normal((2, 4, 5)), requires_grad=True)
    assert F.pad(x, (-1, 2, 1, -2), value=3.0).shape == (2, 3, 6)
    assert ag.gradcheck(lambda x: F.pad(x, (-1, 2, 1, -2), value=3.0), (x,))


@pytest.mark.parametrize("widths", [(1, 2, 0, 1), (1, -2, -1, 1)])
def test_constant_pad_differentiates_twice(widths) -> None:
    """Its backward is a slice (and zeros where x was cropped): recorded under create_graph."""
    x = ag.tensor(RNG.standard_normal((2, 3, 4)), requires_grad=True)
    assert ag.gradgradcheck(lambda x: F.pad(x, widths, value=1.0) ** 2, (x,))


@pytest.mark.parametrize("kw", [
    {"kernel_size": 2},
    {"kernel_size": (2, 3), "dilation": (1, 2), "padding": 1, "stride": 2},
])
def test_unfold_and_fold_gradcheck(kw) -> None:
    x = ag.tensor(RNG.standard_normal((2, 3, 5, 6)), requires_grad=True)
    assert ag.gradcheck(lambda x: F.unfold(x, **kw), (x,))
    cols = F.unfold(x, **kw).detach()
    c = ag.tensor(RNG.standard_normal(cols.shape), requires_grad=True)
    assert ag.gradcheck(lambda c: F.fold(c, (5, 6), **kw), (c,))


# --- against PyTorch -----------------------------------------------------------------------

def _against_torch(ours, theirs, arrays, dtype):
    """Forward and every input gradient of ours and theirs on the same arrays."""
    torch = pytest.importorskip("torch")
    tdtype = torch.float64 if dtype == np.float64 else torch.float32
    xs = [ag.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, dtype=tdtype, requires_grad=True) for a in arrays]
    y, yt = ours(*xs), theirs(*ts)
    assert y.shape == tuple(yt.shape)
    assert y.dtype == (ag.float64 if dtype == np.float64 else ag.float32)
    seed = RNG.standard_normal(y.shape)
    y.backward(ag.tensor(seed.astype(dtype)))
    yt.backward(torch.tensor(seed, dtype=tdtype))
    tol = 1e-10 if dtype == np.float64 else 2e-5
    np.testing.assert_allclose(y.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    for x, t in zip(xs, ts, strict=True):
        assert x.grad.dtype == x.dtype
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=tol, atol=tol * 10)


DTYPES = [np.float32, np.float64]


@pytest.mark.filterwarnings("ignore:Using padding='same'")  # torch's note on its own speed
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("x_shape, w_shape, kw", CONV2D)
def test_conv2d_matches_torch(x_shape, w_shape, kw, dtype) -> None:
    torch = pytest.importorskip("torch")
    arrays = _conv2d_case(x_shape, w_shape, kw)
    _against_torch(lambda x, w, b: F.conv2d(x, w, b, **kw),
                   lambda x, w, b: torch.nn.functional.conv2d(x, w, b, **kw), arrays, dtype)
    # and without a bias
    _against_torch(lambda x, w: F.conv2d(x, w, **kw),
                   lambda x, w: torch.nn.functional.conv2d(x, w, **kw), arrays[:2], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("x_shape, w_shape, kw", CONV1D)
def test_conv1d_matches_torch(x_shape, w_shape, kw, dtype) -> None:
    torch = pytest.importorskip("torch")
    _against_torch(lambda x, w, b: F.conv1d(x, w, b, **kw),
                   lambda x, w, b: torch.nn.functional.conv1d(x, w, b, **kw),
                   _conv2d_case(x_shape, w_shape, kw), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("x_shape, w_shape, kw", CONV_T)
def test_conv_transpose2d_matches_torch(x_shape, w_shape, kw, dtype) -> None:
    torch = pytest.importorskip("torch")
    out_channels = w_shape[1] * kw.get("groups", 1)
    _against_torch(lambda x, w, b: F.conv_transpose2d(x, w, b, **kw),
                   lambda x, w, b: torch.nn.functional.conv_transpose2d(x, w, b, **kw),
                   _arrays(x_shape, w_shape, (out_channels,)), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("widths", [(1, 2), (2, 1, 0, 3), (1, 1, 2, 0, 1, 1)])
def test_pad_matches_torch(mode, widths, dtype) -> None:
    torch = pytest.importorskip("torch")
    value = 1.5 if mode == "constant" else None
    _against_torch(lambda x: F.pad(x, widths, mode=mode, value=value),
                   lambda x: torch.nn.functional.pad(x, widths, mode=mode, value=value),
                   _arrays(_pad_shape(widths)), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_unfold_and_fold_match_torch(dtype) -> None:
    torch = pytest.importorskip("torch")
    kw = {"kernel_size": (2, 3), "dilation": (1, 2), "padding": 1, "stride": 2}
    _against_torch(lambda x: F.unfold(x, **kw), lambda x: torch.nn.functional.unfold(x, **kw),
                   _arrays((2, 3, 7, 8)), dtype)
    _against_torch(lambda c: F.fold(c, (7, 8), **kw),
                   lambda c: torch.nn.functional.fold(c, (7, 8), **kw),
                   _arrays((2, 18, 12)), dtype)
    # unbatched
    _against_torch(lambda x: F.unfold(x, 2), lambda x: torch.nn.functional.unfold(x, 2),
                   _arrays((3, 4, 4)), dtype)


def test_unfold_then_matmul_is_conv2d() -> None:
    x, w = _arrays((2, 3, 6, 5), (4, 3, 3, 2))
    cols = F.unfold(ag.tensor(x), (3, 2), padding=1)  # (N, C*kh*kw, L)
    y = (ag.tensor(w).reshape(4, -1) @ cols).reshape(2, 4, 6, 6)
    np.testing.assert_allclose(y.numpy(), F.conv2d(ag.tensor(x), ag.tensor(w), padding=1).numpy(),
                               rtol=1e-12, atol=1e-12)


def test_conv2d_by_hand() -> None:
    """One output pixel written out: the kernel times its window, plus the bias."""
    x, w, b = _arrays((1, 2, 5, 5), (3, 2, 2, 3), (3,))
    y = F.conv2d(ag.tensor(x), ag.tensor(w), ag.tensor(b), stride=2, dilation=(1, 2)).numpy()
    assert y.shape == (1, 3, 2, 1)
    window = x[0, :, 2:4, 0:5:2]  # output pixel (1, 0): rows 2, 3 and columns 0, 2, 4
    np.testing.assert_allclose(y[0, :, 1, 0], (w * window).sum(axis=(1, 2, 3)) + b)


def test_unbatched_input_gives_unbatched_output() -> None:
    x, w, b = _arrays((3, 6, 6), (4, 3, 3, 3), (4,))
    batched = F.conv2d(ag.tensor(x[None]), ag.tensor(w), ag.tensor(b), padding=1)
    single = F.conv2d(ag.tensor(x), ag.tensor(w), ag.tensor(b), padding=1)
    assert single.shape == (4, 6, 6)
    np.testing.assert_array_equal(single.numpy(), batched.numpy()[0])
    assert F.conv1d(ag.tensor(x[:, 0]), ag.tensor(w[:, :, 0])).shape == (4, 4)
    assert F.conv_transpose2d(ag.tensor(x), ag.tensor(w.transpose(1, 0, 2, 3))).shape == \
        (4, 8, 8)


def test_float32_stays_float32_through_backward() -> None:
    x = ag.randn(2, 3, 8, 8, requires_grad=True)
    conv = nn.Conv2d(3, 4, 3)
    conv(x).sum().backward()
    assert conv(x).dtype == ag.float32
    assert x.grad.dtype == ag.float32 and conv.weight.grad.dtype == ag.float32


def test_gradients_need_only_what_is_asked() -> None:
    """A frozen weight gets no gradient; the input alone still gets its gradient."""
    x, w = _arrays((1, 2, 5, 5), (3, 2, 3, 3))
    xt = ag.tensor(x, requires_grad=True)
    wt = ag.tensor(w)
    F.conv2d(xt, wt).sum().backward()
    assert wt.grad is None
    ref = ag.tensor(x, requires_grad=True)
    F.conv2d(ref, ag.tensor(w, requires_grad=True)).sum().backward()
    np.testing.assert_allclose(xt.grad.numpy(), ref.grad.numpy())


def test_create_graph_through_conv2d_says_first_order_only() -> None:
    x = ag.tensor(RNG.standard_normal((1, 1, 4, 4)), requires_grad=True)
    w = ag.tensor(RNG.standard_normal((1, 1, 2, 2)), requires_grad=True)
    with pytest.raises(RuntimeError, match="first-order gradients only"):
        ag.grad(F.conv2d(x, w).sum(), [x], create_graph=True)


# --- layers --------------------------------------------------------------------------------

def test_conv2d_init_is_kaiming_uniform_with_a_sqrt5() -> None:
    """U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias, fan_in = C_in/groups * kh * kw."""
    ag.manual_seed(0)
    conv = nn.Conv2d(64, 128, 3, groups=2)
    fan_in = 32 * 9
    bound = 1 / math.sqrt(fan_in)
    w = conv.weight.detach().numpy()
    assert w.shape == (128, 32, 3, 3) and w.dtype == np.float32
    assert np.abs(w).max() <= bound
    assert np.abs(w).max() > 0.99 * bound
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)  # U(-a, a) has std a/sqrt3
    assert abs(w.mean()) < 0.01 * bound * 10
    b = conv.bias.detach().numpy()
    assert b.shape == (128,) and np.abs(b).max() <= bound


def test_conv_transpose2d_init_uses_its_weight_fan_in() -> None:
    ag.manual_seed(0)
    conv = nn.ConvTranspose2d(16, 64, 4, groups=2)
    assert conv.weight.shape == (16, 32, 4, 4)
    bound = 1 / math.sqrt(32 * 16)  # PyTorch computes fan_in from weight.shape[1] * kh * kw
    assert np.abs(conv.weight.detach().numpy()).max() <= bound
    assert conv.weight.detach().numpy().std() == pytest.approx(bound / math.sqrt(3), rel=0.03)
    assert np.abs(conv.bias.detach().numpy()).max() <= bound


@pytest.mark.parametrize("layer, args, kwargs", [
    ("Conv2d", (1, 6, 5), {}),
    ("Conv2d", (2, 4, 3), {"padding": "same", "padding_mode": "reflect", "bias": False,
                           "groups": 2, "dilation": 2}),
    ("Conv2d", (3, 6, (3, 2)), {"stride": (2, 1), "padding": (1, 0), "padding_mode": "circular"}),
    ("Conv2d", (2, 2, 3), {"padding": 1, "padding_mode": "replicate"}),
    ("Conv1d", (2, 3, 3), {"padding": 1}),
    ("Conv1d", (2, 4, 3), {"stride": 2, "padding_mode": "reflect", "padding": 2}),
    ("ConvTranspose2d", (2, 3, 3), {"stride": 2, "output_padding": 1}),
    ("ConvTranspose2d", (4, 6, (2, 3)), {"stride": (1, 2), "padding": 1, "groups": 2,
                                         "bias": False}),
])
@pytest.mark.parametrize("dtype", DTYPES)
def test_layers_match_torch(layer, args, kwargs, dtype) -> None:
    """Same repr, same state_dict keys and shapes; torch's weights loaded give torch's values
    and gradients."""
    torch = pytest.importorskip("torch")
    theirs = getattr(torch.nn, layer)(*args, **kwargs).to(
        torch.float64 if dtype == np.float64 else torch.float32)
    ours = getattr(nn, layer)(*args, **kwargs, dtype=ag.float64 if dtype == np.float64 else None)
    assert repr(ours) == repr(theirs)
    theirs_state = theirs.state_dict()
    assert list(ours.state_dict()) == list(theirs_state)
    for key, value in theirs_state.items():
        assert ours.state_dict()[key].shape == tuple(value.shape)
    ours.load_state_dict({k: ag.tensor(v.numpy()) for k, v in theirs_state.items()})
    nd = 1 if layer == "Conv1d" else 2
    x = RNG.standard_normal((2, args[0]) + (7,) * nd)
    params = [ours.weight] + ([ours.bias] if ours.bias is not None else [])
    t_params = [theirs.weight] + ([theirs.bias] if theirs.bias is not None else [])
    _against_torch(ours, theirs, [x], dtype)
    for p, t in zip(params, t_params, strict=True):
        tol = 1e-10 if dtype == np.float64 else 1e-4
        np.testing.assert_allclose(p.grad.numpy(), t.grad.numpy(), rtol=tol, atol=tol)


def test_conv_transpose2d_output_size_picks_output_padding() -> None:
    up = nn.ConvTranspose2d(2, 2, 3, stride=2, padding=1)
    x = ag.randn(1, 2, 4, 4)
    assert up(x).shape == (1, 2, 7, 7)
    assert up(x, output_size=(8, 8)).shape == (1, 2, 8, 8)
    with pytest.raises(ValueError, match="valid sizes range from 7 to 8"):
        up(x, output_size=(9, 9))


def test_layer_argument_errors() -> None:
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="out_channels must be divisible by groups"):
        nn.Conv2d(4, 3, 3, groups=2)
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        nn.Conv2d(1, 1, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match="not supported for strided convolutions"):
        nn.Conv2d(1, 1, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match='Only "zeros" padding mode'):
        nn.ConvTranspose2d(1, 1, 3, padding_mode="reflect")


# --- errors --------------------------------------------------------------------------------

def _torch_message(fn):
    torch = pytest.importorskip("torch")
    try:
        fn(torch)
    except Exception as exc:  # noqa: BLE001 - whatever torch raises, we compare its text
        # PyTorch prints one shape as [[5, 1, 3, 3]]; ours reads [5, 1, 3, 3]
        return type(exc), str(exc).splitlines()[0].replace("[[", "[").replace("]]", "]")
    raise AssertionError("torch raised nothing")


ERRORS = [
    # (call on a functional module F given torch-like arguments, shapes)
    ("channels", lambda F, x, w: F.conv2d(x((64, 3, 28, 28)), w((6, 1, 5, 5)))),
    ("unbatched channels", lambda F, x, w: F.conv2d(x((3, 8, 8)), w((6, 1, 5, 5)))),
    ("dims", lambda F, x, w: F.conv2d(x((8, 8)), w((4, 3, 3, 3)))),
    ("kernel too big", lambda F, x, w: F.conv2d(x((2, 3, 8, 8)), w((4, 3, 9, 9)))),
    ("kernel too big 1d", lambda F, x, w: F.conv1d(x((2, 3, 5)), w((4, 3, 7)))),
    ("bias", lambda F, x, w: F.conv2d(x((2, 3, 8, 8)), w((4, 3, 3, 3)), w((5,)))),
    ("groups", lambda F, x, w: F.conv2d(x((2, 3, 8, 8)), w((5, 1, 3, 3)), groups=3)),
    ("groups 0", lambda F, x, w: F.conv2d(x((2, 3, 8, 8)), w((4, 3, 3, 3)), groups=0)),
    ("stride", lambda F, x, w: F.conv2d(x((2, 3, 8, 8)), w((4, 3, 3, 3)), stride=0)),
    ("stride tuple", lambda F, x, w: F.conv2d(x((2, 3, 8, 8)), w((4, 3, 3, 3)),
                                              stride=(1, 2, 3))),
    ("padding", lambda F, x, w: F.conv2d(x((2, 3, 8, 8)), w((4, 3, 3, 3)), padding=-1)),
    ("dilation", lambda F, x, w: F.conv2d(x((2, 3, 8, 8)), w((4, 3, 3, 3)), dilation=0)),
    ("same strided", lambda F, x, w: F.conv2d(x((2, 3, 8, 8)), w((4, 3, 3, 3)), stride=2,
                                              padding="same")),
    ("bad string", lambda F, x, w: F.conv2d(x((2, 3, 8, 8)), w((4, 3, 3, 3)), padding="foo")),
    ("transposed channels", lambda F, x, w: F.conv_transpose2d(x((2, 3, 8, 8)),
                                                               w((4, 2, 3, 3)))),
    ("output_padding", lambda F, x, w: F.conv_transpose2d(x((2, 3, 8, 8)), w((3, 2, 3, 3)),
                                                          output_padding=1)),
    ("pad odd", lambda F, x, w: F.pad(x((2, 3, 4, 4)), (1, 2, 3))),
    ("pad mode", lambda F, x, w: F.pad(x((2, 3, 4, 4)), (1, 1), mode="foo")),
    ("fold blocks", lambda F, x, w: F.fold(x((2, 12, 10)), (4, 4), 2)),
]


@pytest.mark.parametrize("name, call", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(name, call) -> None:
    pytest.importorskip("torch")
    expected_type, expected = _torch_message(
        lambda torch: call(torch.nn.functional, lambda s: torch.zeros(s),
                           lambda s: torch.zeros(s)))
    with pytest.raises(expected_type) as info:
        call(F, lambda s: ag.zeros(s), lambda s: ag.zeros(s))
    assert str(info.value) == expected


def test_channel_error_names_the_shapes_without_torch() -> None:
    with pytest.raises(RuntimeError) as info:
        F.conv2d(ag.zeros(64, 3, 28, 28), ag.zeros(6, 1, 5, 5))
    assert str(info.value) == (
        "Given groups=1, weight of size [6, 1, 5, 5], expected input[64, 3, 28, 28] to have "
        "1 channels, but got 3 channels instead"
    )


def test_dtype_mismatch_is_refused() -> None:
    with pytest.raises(RuntimeError, match="expected scalar type"):
        F.conv2d(ag.zeros(1, 1, 4, 4, dtype=ag.float64), ag.zeros(1, 1, 2, 2))


def test_reflect_pad_wider_than_the_input_is_refused() -> None:
    with pytest.raises(RuntimeError, match="Padding size should be less than"):
        F.pad(ag.zeros(1, 2, 3), (3, 0), mode="reflect")


# --- the fake CUDA backend -----------------------------------------------------------------

CUDA_CASES = [
    ("conv2d", lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, groups=1),
     [(2, 3, 7, 6), (4, 3, 3, 3), (4,)]),
    ("conv2d groups", lambda x, w: F.conv2d(x, w, padding="same", dilation=2, groups=3),
     [(2, 3, 7, 6), (6, 1, 3, 3)]),
    ("conv1d", lambda x, w, b: F.conv1d(x, w, b, padding=1), [(2, 3, 9), (4, 3, 3), (4,)]),
    ("conv_transpose2d", lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1,
                                                            output_padding=1),
     [(2, 3, 4, 4), (3, 2, 3, 3), (2,)]),
    ("pad reflect", lambda x: F.pad(x, (1, 2, 2, 1), mode="reflect"), [(2, 3, 4, 5)]),
    ("pad replicate", lambda x: F.pad(x, (1, 2), mode="replicate"), [(2, 3, 5)]),
    ("pad circular", lambda x: F.pad(x, (1, 2, 2, 1), mode="circular"), [(2, 3, 4, 5)]),
    ("pad constant", lambda x: F.pad(x, (1, -2, 2, 1), value=2.0), [(2, 3, 4, 5)]),
    ("unfold", lambda x: F.unfold(x, 2, padding=1, stride=2), [(2, 3, 5, 5)]),
    ("fold", lambda x: F.fold(x, (4, 4), 2), [(2, 12, 9)]),
]


@pytest.mark.parametrize("name, fn, shapes", CUDA_CASES, ids=[c[0] for c in CUDA_CASES])
@pytest.mark.parametrize("dtype", DTYPES)
def test_fake_cuda_equals_cpu(name, fn, shapes, dtype) -> None:
    arrays = [a.astype(dtype) for a in _arrays(*shapes)]
    results = {}
    with fake_cuda.installed():
        for device in ("cpu", "cuda"):
            xs = [ag.tensor(a, requires_grad=True, device=device) for a in arrays]
            y = fn(*xs)
            assert y.device == ag.device(device)
            seed = ag.tensor(np.linspace(-1, 1, y.numel()).reshape(y.shape).astype(dtype),
                             device=device)
            y.backward(seed)
            for x in xs:
                assert x.grad.device == ag.device(device)
                if device == "cuda":
                    assert isinstance(x.grad._array, fake_cuda.ndarray)
            results[device] = [y.detach().cpu().numpy()] + [x.grad.cpu().numpy() for x in xs]
    tol = 1e-12 if dtype == np.float64 else 1e-5
    for a, b in zip(results["cpu"], results["cuda"], strict=True):
        np.testing.assert_allclose(b, a, rtol=tol, atol=tol)


def test_fake_cuda_conv_layer_trains_without_host_reads() -> None:
    with fake_cuda.installed():
        model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Linear(2 * 3 * 3, 3)).to("cuda")
        x = ag.randn(4, 1, 8, 8, device="cuda")
        y = ag.tensor([0, 1, 2, 0], device="cuda")
        before = fake_cuda.host_reads
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        assert fake_cuda.host_reads == before
        assert model[0].weight.grad.device == ag.device("cuda:0")
