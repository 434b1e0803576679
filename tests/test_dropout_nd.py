"""Channel dropout (dropout1d, dropout2d, Dropout1d, Dropout2d) and the shape layers Flatten and
Unflatten: whole channels zeroed, survivors scaled by 1/(1-p), PyTorch's input ranks and words."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F


def _channel_factors(out, ones_shape):
    """Each (n, c) channel of out, for an input of ones: all values equal, the factor."""
    flat = out.reshape(ones_shape[0], ones_shape[1], -1)
    assert (flat == flat[:, :, :1]).all(), "a channel was not dropped as a whole"
    return flat[:, :, 0]


@pytest.mark.parametrize("fn, shape", [(F.dropout2d, (40, 50, 3, 2)), (F.dropout1d, (40, 50, 4)),
                                       (F.dropout2d, (40, 50, 4))], ids=str)
@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_whole_channels_are_dropped_and_the_rest_scaled(fn, shape, p):
    ag.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dropout2d warns about 3D input
        out = fn(ag.ones(shape, dtype=ag.float64), p=p).numpy()
    factors = _channel_factors(out, shape)
    kept = factors != 0
    np.testing.assert_allclose(factors[kept], 1 / (1 - p), rtol=1e-12)
    n = factors.size  # 2000 channels: the dropped fraction is p within 4 standard deviations
    assert abs((~kept).mean() - p) < 4 * np.sqrt(p * (1 - p) / n)


def test_gradient_is_the_mask_and_the_mask_is_seeded():
    ag.manual_seed(3)
    x = ag.randn(4, 6, 3, 3, dtype=ag.float64, requires_grad=True)
    y = F.dropout2d(x, p=0.4)
    y.backward(ag.ones_like(y))
    mask = x.grad.numpy()
    np.testing.assert_allclose(y.detach().numpy(), x.detach().numpy() * mask, rtol=1e-12)
    assert set(np.unique(mask)) <= {0.0, 1 / 0.6}
    ag.manual_seed(3)
    ag.randn(4, 6, 3, 3, dtype=ag.float64)
    np.testing.assert_array_equal(F.dropout2d(x, p=0.4).detach().numpy(), y.detach().numpy())


def test_gradcheck_with_a_fixed_mask():
    x = ag.randn(3, 4, 2, dtype=ag.float64, requires_grad=True)

    def fn(x):
        ag.manual_seed(5)  # the same mask at every call
        return F.dropout1d(x, p=0.5)

    assert ag.gradcheck(fn, [x])


def test_eval_p_zero_and_p_one():
    x = ag.randn(2, 3, 4, 4)
    assert F.dropout2d(x, 0.5, training=False) is x
    assert F.dropout2d(x, 0.0) is x
    np.testing.assert_array_equal(F.dropout2d(x, 1.0).numpy(), np.zeros((2, 3, 4, 4)))
    m = nn.Dropout2d(0.5).eval()
    assert m(x) is x
    m1 = nn.Dropout1d(0.5).eval()
    y = ag.randn(2, 3, 4)
    assert m1(y) is y


def test_dropout1d_accepts_unbatched_input():
    ag.manual_seed(1)
    y = F.dropout1d(ag.ones(30, 5), p=0.5).numpy()  # (C, L): channels are rows
    assert y.shape == (30, 5)
    assert (y == y[:, :1]).all() and {0.0, 2.0} == set(np.unique(y))


def test_inplace_writes_into_the_input():
    ag.manual_seed(2)
    x = ag.ones(3, 4, 2, 2)
    out = F.dropout2d(x, 0.5, inplace=True)
    assert out is x and set(np.unique(x.numpy())) <= {0.0, 2.0} and (x.numpy() == 0).any()
    u = ag.ones(6, 3)
    assert F.dropout1d(u, 0.5, inplace=True) is u and set(np.unique(u.numpy())) <= {0.0, 2.0}


def test_ranks_warnings_and_errors_as_pytorch():
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input, but received "
                                           "a 4D input"):
        F.dropout1d(ag.randn(2, 3, 4, 5))
    with pytest.warns(UserWarning, match="dropout2d: Received a 3D input to dropout2d and "
                                         "assuming that channel-wise 1D dropout"):
        F.dropout2d(ag.randn(3, 4, 5))
    with pytest.warns(UserWarning, match="dropout2d: Received a 5-D input to dropout2d, which "
                                         "is deprecated"):
        F.dropout2d(ag.randn(2, 4, 5, 6, 7))
    with pytest.warns(UserWarning, match="Received a 1-D input"), \
            pytest.raises(RuntimeError, match="Feature dropout requires at least 2 dimensions"):
        F.dropout2d(ag.randn(6))
    for fn in (F.dropout1d, F.dropout2d):
        with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, "
                                             "but got 1.5"):
            fn(ag.randn(2, 3, 4, 4), p=1.5)
    for cls in (nn.Dropout1d, nn.Dropout2d):
        with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
            cls(p=-0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.dropout2d(ag.randn(2, 3, 4, 4))  # the usual call warns about nothing


def test_channel_dropout_modules_match_pytorch_structure():
    torch = pytest.importorskip("torch")
    for name in ("Dropout", "Dropout1d", "Dropout2d"):
        for kwargs in ({}, {"p": 0.3, "inplace": True}):
            ours, theirs = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
            assert repr(ours) == repr(theirs)
            assert isinstance(ours, nn.Dropout) == isinstance(theirs, torch.nn.Dropout)
            assert list(ours.state_dict()) == list(theirs.state_dict()) == []
    # the same channels kept gives the same values and gradients as PyTorch's rule
    x = np.random.default_rng(0).standard_normal((4, 5, 3, 3))
    xt = torch.tensor(x, requires_grad=True)
    torch.manual_seed(0)
    yt = torch.nn.functional.dropout2d(xt, 0.5)
    yt.sum().backward()
    kept = (yt.detach().numpy() != 0).any(axis=(2, 3))
    np.testing.assert_allclose(yt.detach().numpy(), x * kept[:, :, None, None] * 2, rtol=1e-12)
    np.testing.assert_allclose(xt.grad.numpy(), np.broadcast_to(kept[:, :, None, None] * 2.0,
                                                                 x.shape))


# --- Flatten and Unflatten -----------------------------------------------------------------------

def test_flatten_defaults_and_unflatten_undo_each_other():
    x = ag.randn(2, 3, 4, 5, requires_grad=True)
    flat = nn.Flatten()(x)
    assert flat.shape == (2, 60)
    back = nn.Unflatten(1, (3, 4, 5))(flat)
    assert back.shape == (2, 3, 4, 5)
    np.testing.assert_array_equal(back.detach().numpy(), x.detach().numpy())
    assert nn.Unflatten(-1, [4, -1])(flat).shape == (2, 4, 15)
    assert nn.Unflatten(0, (1, 2))(flat).shape == (1, 2, 60)
    (back * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3, 4, 5), 2.0))
    assert repr(nn.Unflatten(1, (2, 5))) == "Unflatten(dim=1, unflattened_size=(2, 5))"
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"


def test_unflatten_errors():
    with pytest.raises(RuntimeError, match=r"unflatten: Provided sizes \[3, 5\] don't multiply "
                                           r"up to the size of dim 1 \(10\) in the input tensor"):
        nn.Unflatten(1, (3, 5))(ag.randn(3, 10))
    with pytest.raises(RuntimeError, match="only one dimension can be inferred"):
        nn.Unflatten(1, (2, -1, -1))(ag.randn(3, 10))
    with pytest.raises(RuntimeError, match="don't multiply up"):
        nn.Unflatten(1, (3, -1))(ag.randn(3, 10))
    with pytest.raises(TypeError, match="unflattened_size must be a tuple of ints, but found "
                                        "type int"):
        nn.Unflatten(1, 3)
    with pytest.raises(TypeError, match="found element of type float at pos 1"):
        nn.Unflatten(1, (2, 5.0))
    with pytest.raises(IndexError, match="Dimension out of range"):
        nn.Unflatten(2, (2, 5))(ag.randn(3, 10))


def test_flatten_and_unflatten_match_pytorch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(1).standard_normal((2, 3, 4, 5)).astype(np.float32)
    for ours, theirs in [(nn.Flatten(), torch.nn.Flatten()),
                         (nn.Flatten(0, 2), torch.nn.Flatten(0, 2)),
                         (nn.Unflatten(2, (2, 2)), torch.nn.Unflatten(2, (2, 2))),
                         (nn.Unflatten(-1, (5, -1)), torch.nn.Unflatten(-1, (5, -1)))]:
        assert repr(ours) == repr(theirs)
        np.testing.assert_array_equal(ours(ag.tensor(x)).numpy(), theirs(torch.tensor(x)).numpy())
    model = nn.Sequential(nn.Linear(6, 12), nn.Unflatten(1, (3, 4)), nn.BatchNorm1d(3),
                          nn.Flatten(), nn.Linear(12, 2))
    assert model(ag.randn(5, 6)).shape == (5, 2)
