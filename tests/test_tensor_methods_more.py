"""select, diagonal, movedim/moveaxis, swapdims, index_add(_), pow_, clamp_min_/clamp_max_,
new_zeros/new_ones/new_full/new_empty/new_tensor, sum/mean(dtype=) and the Tensor queries
(is_contiguous, nelement, ndimension, data_ptr, nbytes, itemsize): values, gradients (float64
central differences) and PyTorch's numbers where PyTorch is installed."""

import numpy as np
import pytest

import autograd as ag

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4, 5))
B = RNG.standard_normal((4, 4))


def _leaf(a):
    return ag.tensor(a, dtype=ag.float64, requires_grad=True)


# name, expression over (lib, x) where x has A's shape
VIEWS = [
    ("select", lambda L, x: x.select(1, 2)),
    ("select negative", lambda L, x: L.select(x, -1, -2)),
    ("diagonal", lambda L, x: x.diagonal()),
    ("diagonal offset dims", lambda L, x: x.diagonal(1, 1, 2)),
    ("diagonal below", lambda L, x: L.diagonal(x, -2, 2, 1)),
    ("movedim", lambda L, x: x.movedim(0, 2)),
    ("movedim tuple", lambda L, x: L.movedim(x, (0, 1), (2, 0))),
    ("moveaxis", lambda L, x: x.moveaxis(-1, 0)),
    ("swapdims", lambda L, x: L.swapdims(x, 0, 2)),
    ("swapaxes", lambda L, x: L.swapaxes(x, 1, 2)),
    ("index_add", lambda L, x: x.index_add(1, L.tensor([0, 2, 0]), x[:, :3] * 2)),
    ("index_add alpha", lambda L, x: L.index_add(x, 2, L.tensor([4, 4]), x[:, :, :2], alpha=-0.5)),
    ("sum dtype", lambda L, x: x.float().sum(dtype=L.float64)),
    ("mean dim dtype", lambda L, x: x.float().mean(1, dtype=L.float64)),
]


DIFFERENTIABLE = [c for c in VIEWS if "dtype" not in c[0]]  # casts to float32: compared below


@pytest.mark.parametrize("case", DIFFERENTIABLE, ids=[c[0] for c in DIFFERENTIABLE])
def test_gradcheck(case):
    _, fn = case
    assert ag.gradcheck(lambda x: fn(ag, x), (_leaf(A),))


@pytest.mark.parametrize("case", VIEWS, ids=[c[0] for c in VIEWS])
def test_values_and_grads_match_torch(case):
    torch = pytest.importorskip("torch")
    _, fn = case
    x = _leaf(A)
    tx = torch.tensor(A, requires_grad=True)
    y, ty = fn(ag, x), fn(torch, tx)
    assert tuple(y.shape) == tuple(ty.shape) and str(y.dtype)[9:] == str(ty.dtype)[6:]
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-6, atol=1e-7)
    w = RNG.standard_normal(tuple(ty.shape))
    (y * ag.tensor(w, dtype=y.dtype)).sum().backward()
    (ty * torch.tensor(w, dtype=ty.dtype)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=1e-7)
    assert y.grad_fn.name() == ty.grad_fn.name()


def test_diagonal_and_select_are_views():
    x = ag.tensor(B.copy())
    d = x.diagonal()
    d.zero_()
    assert np.all(np.diag(x.numpy()) == 0)
    x.select(0, 1).fill_(7.0)
    assert np.all(x.numpy()[1] == 7)


def test_diagonal_gradgradcheck():
    assert ag.gradgradcheck(lambda x: (x.diagonal(1) ** 2), (_leaf(B),))


def test_index_add_repeats_add_up_and_in_place():
    x = ag.zeros(3)
    x.index_add_(0, ag.tensor([0, 0, 2]), ag.tensor([1.0, 2.0, 3.0]))
    assert x.tolist() == [3.0, 0.0, 3.0]


def test_index_add_errors():
    x = ag.zeros(3, 2)
    with pytest.raises(RuntimeError, match="source of shape"):
        x.index_add(0, ag.tensor([0, 1]), ag.ones(3, 2))
    with pytest.raises(IndexError, match="out of bounds"):
        x.index_add(0, ag.tensor([5]), ag.ones(1, 2))
    with pytest.raises(IndexError, match="out of range"):
        x.select(0, 3)
    with pytest.raises(RuntimeError, match="identical"):
        x.diagonal(0, 1, 1)


def test_in_place_pow_and_clamps_record_and_match_torch():
    torch = pytest.importorskip("torch")
    x, tx = _leaf(B), torch.tensor(B, requires_grad=True)
    for v in (x, tx):
        y = v * 1
        y.pow_(3)
        y.clamp_min_(-0.5)
        y.clamp_max_(0.7)
        y.sum().backward()
        assert y.grad_fn.name() == "ClampMaxBackward0"
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)


def test_pow_in_place_without_grad():
    x = ag.tensor([1.0, 2.0, 3.0])
    x.pow_(2)
    assert x.tolist() == [1.0, 4.0, 9.0]


@pytest.mark.parametrize("dtype", [ag.float64, ag.int64])
def test_new_creators_take_the_tensors_dtype(dtype):
    x = ag.ones(2, dtype=dtype)
    assert x.new_zeros(2, 3).dtype == dtype and x.new_zeros(2, 3).tolist() == [[0] * 3] * 2
    assert x.new_ones((3,)).tolist() == [1, 1, 1] and x.new_ones((3,)).dtype == dtype
    assert x.new_full((2,), 5).tolist() == [5, 5] and x.new_full((2,), 5).dtype == dtype
    assert x.new_empty(4).shape == (4,) and x.new_empty(4).dtype == dtype
    t = x.new_tensor([1, 2])
    assert t.dtype == dtype and t.tolist() == [1, 2]
    assert x.new_zeros(2, dtype=ag.float16).dtype == ag.float16
    if dtype == ag.float64:
        assert x.new_ones(2, requires_grad=True).requires_grad


def test_new_tensor_copies():
    x = ag.ones(2)
    src = np.array([1.0, 2.0], dtype=np.float32)
    t = x.new_tensor(src)
    src[0] = 9
    assert t.tolist() == [1.0, 2.0]


def test_tensor_queries_match_torch():
    torch = pytest.importorskip("torch")
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    for ours, theirs in ((ag.tensor(a), torch.tensor(a)),):
        views = (lambda t: t, lambda t: t.transpose(0, 2), lambda t: t[:, 1], lambda t: t[..., ::2])
        for f in views:
            o, t = f(ours), f(theirs)
            assert o.is_contiguous() == t.is_contiguous()
            assert o.nelement() == t.nelement() and o.ndimension() == t.ndimension()
            assert o.itemsize == t.itemsize
        assert ours.nbytes == theirs.nbytes
        assert ours[1].data_ptr() - ours.data_ptr() == theirs[1].data_ptr() - theirs.data_ptr()
        assert ours.detach().data_ptr() == ours.data_ptr()
