"""Embedding: lookups, gradients that add up over repeated indices, padding_idx, max_norm,
scale_grad_by_freq, initialisation, from_pretrained, errors, PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F


def t64(x, requires_grad=False):
    return ag.tensor(np.asarray(x, dtype=np.float64), requires_grad=requires_grad)


def _reference_grad(weight_shape, indices, g, padding_idx=None, scale=False):
    """dL/dW with np.add.at: each index's gradient row added into its row."""
    flat, rows = indices.reshape(-1), g.reshape(-1, weight_shape[1])
    if scale:
        rows = rows / np.bincount(flat, minlength=weight_shape[0])[flat][:, None]
    out = np.zeros(weight_shape)
    np.add.at(out, flat, rows)
    if padding_idx is not None:
        out[padding_idx] = 0
    return out


@pytest.mark.parametrize("index_shape", [(4,), (2, 3), (2, 2, 2), ()], ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lookup_and_gradient_add_up_over_repeated_indices(index_shape, dtype):
    rng = np.random.default_rng(0)
    w = rng.standard_normal((6, 3)).astype(dtype)
    idx = rng.integers(0, 3, index_shape)  # few rows: repeats are certain
    weight = ag.tensor(w, requires_grad=True)
    y = F.embedding(ag.tensor(idx), weight)
    assert y.shape == index_shape + (3,) and y.dtype == weight.dtype
    np.testing.assert_array_equal(y.detach().numpy(), w[idx])
    g = rng.standard_normal(y.shape).astype(dtype)
    y.backward(ag.tensor(g))
    assert weight.grad.dtype == weight.dtype
    np.testing.assert_allclose(weight.grad.numpy(), _reference_grad(w.shape, idx, g), rtol=1e-6)


@pytest.mark.parametrize("padding_idx", [None, 1, -1])
@pytest.mark.parametrize("scale", [False, True])
def test_embedding_gradcheck(padding_idx, scale):
    rng = np.random.default_rng(1)
    weight = t64(rng.standard_normal((5, 2)), True)
    idx = ag.tensor([[0, 1, 1], [4, 1, 2]])

    def fn(w):
        return F.embedding(idx, w, padding_idx=padding_idx, scale_grad_by_freq=scale)

    # Without options the gradient is the true derivative; padding_idx (zero for its row)
    # and scale_grad_by_freq (divided by the counts) change it on purpose, as in PyTorch.
    assert ag.gradcheck(fn, [weight], raise_exception=False) is (padding_idx is None
                                                                 and not scale)
    out = fn(weight)
    g = rng.standard_normal(out.shape)
    out.backward(t64(g))
    pad = None if padding_idx is None else padding_idx % 5
    np.testing.assert_allclose(weight.grad.numpy(),
                               _reference_grad((5, 2), idx.numpy(), g, pad, scale), rtol=1e-12)


def test_embedding_of_a_computed_weight_is_twice_differentiable():
    rng = np.random.default_rng(2)
    base = t64(rng.standard_normal((4, 3)), True)
    idx = ag.tensor([3, 0, 3, 1])
    assert ag.gradcheck(lambda b: F.embedding(idx, b * b), [base])
    assert ag.gradgradcheck(lambda b: F.embedding(idx, b * b, padding_idx=0,
                                                  scale_grad_by_freq=True), [base])


def test_padding_row_gets_no_gradient():
    emb = nn.Embedding(4, 2, padding_idx=-1)
    assert emb.padding_idx == 3
    np.testing.assert_array_equal(emb.weight.detach().numpy()[3], [0.0, 0.0])
    emb(ag.tensor([[3, 0], [3, 3]])).sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.numpy(), [[1, 1], [0, 0], [0, 0], [0, 0]])


def test_init_is_standard_normal_with_the_padding_row_zeroed():
    ag.manual_seed(0)
    emb = nn.Embedding(2000, 50, padding_idx=7)
    w = emb.weight.detach().numpy()
    assert emb.weight.shape == (2000, 50) and emb.weight.dtype == ag.float32
    assert emb.weight.requires_grad and list(emb.state_dict()) == ["weight"]
    np.testing.assert_array_equal(w[7], np.zeros(50))
    assert abs(w.mean()) < 0.01 and abs(w.std() - 1) < 0.01
    ag.manual_seed(0)
    np.testing.assert_array_equal(nn.Embedding(2000, 50, padding_idx=7).weight.detach().numpy(), w)
    assert nn.Embedding(3, 2, dtype=ag.float64).weight.dtype == ag.float64


def test_from_pretrained_shares_freezes_and_keeps_the_padding_row():
    table = ag.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    emb = nn.Embedding.from_pretrained(table, padding_idx=1)
    assert not emb.weight.requires_grad and emb.padding_idx == 1
    np.testing.assert_array_equal(emb.weight.detach().numpy()[1], [3.0, 4.0])  # not zeroed
    np.testing.assert_array_equal(emb(ag.tensor([2, 1])).numpy(), [[5, 6], [3, 4]])
    assert emb.weight._array is table._array  # shared, as in PyTorch
    trainable = nn.Embedding.from_pretrained(table, freeze=False)
    assert trainable.weight.requires_grad
    assert repr(emb) == "Embedding(3, 2, padding_idx=1)"
    with pytest.raises(AssertionError, match="Embeddings parameter is expected to be "
                                             "2-dimensional"):
        nn.Embedding.from_pretrained(ag.ones(3))


def test_max_norm_renormalises_the_rows_looked_up_in_place():
    w = np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0], [1.0, 0.0]])
    emb = nn.Embedding.from_pretrained(t64(w), max_norm=1.0)
    out = emb(ag.tensor([0, 1, 0]))
    scale = 1.0 / (5.0 + 1e-7)  # PyTorch's max_norm / (norm + 1e-7)
    expected = w.copy()
    expected[0] *= scale  # rows 0 (norm 5) shrink; row 1 (0.5) and row 2 (not looked up) stay
    np.testing.assert_allclose(emb.weight.detach().numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(out.numpy(), expected[[0, 1, 0]], rtol=1e-12)
    inf = nn.Embedding.from_pretrained(t64(w), max_norm=2.0, norm_type=float("inf"))
    inf(ag.tensor([2]))
    np.testing.assert_allclose(inf.weight.detach().numpy()[2], w[2] * 2 / (8 + 1e-7))


def test_embedding_errors():
    emb = nn.Embedding(10, 3)
    with pytest.raises(IndexError, match="index out of range in self"):
        emb(ag.tensor([10]))
    with pytest.raises(IndexError, match="index out of range in self"):
        emb(ag.tensor([-1]))
    with pytest.raises(RuntimeError, match="Expected tensor for argument #1 'indices' to have "
                                           "one of the following scalar types: Long, Int"):
        emb(ag.tensor([1.0]))
    assert emb(ag.tensor([1], dtype=ag.int32)).shape == (1, 3)
    for bad in (10, -11):
        with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
            nn.Embedding(10, 3, padding_idx=bad)
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        F.embedding(ag.tensor([1]), ag.randn(10, 3), padding_idx=11)
    with pytest.raises(RuntimeError, match="'weight' must be 2-D"):
        F.embedding(ag.tensor([1]), ag.randn(10))
    with pytest.raises(AssertionError, match="Shape of weight does not match"):
        nn.Embedding(3, 2, _weight=ag.ones(2, 3))
    with pytest.raises(NotImplementedError, match="sparse"):
        nn.Embedding(3, 2, sparse=True)


def test_reprs_match_pytorch():
    torch = pytest.importorskip("torch")
    for args, kwargs in [((10, 3), {}), ((10, 3), {"padding_idx": -1}),
                         ((10, 3), {"max_norm": 1.0, "norm_type": 1.0,
                                    "scale_grad_by_freq": True})]:
        assert repr(nn.Embedding(*args, **kwargs)) == repr(torch.nn.Embedding(*args, **kwargs))
        assert nn.Embedding(*args, **kwargs).padding_idx == \
            torch.nn.Embedding(*args, **kwargs).padding_idx


@pytest.mark.parametrize("options", [{}, {"padding_idx": 2}, {"scale_grad_by_freq": True},
                                     {"max_norm": 1.5}, {"max_norm": 1.0, "norm_type": 1.0},
                                     {"padding_idx": -2, "scale_grad_by_freq": True}], ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_embedding_matches_pytorch(options, dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    w = rng.standard_normal((7, 4)).astype(dtype)
    idx = rng.integers(0, 7, (3, 5))
    ours = nn.Embedding.from_pretrained(ag.tensor(w.copy()), freeze=False, **options)
    theirs = torch.nn.Embedding.from_pretrained(torch.tensor(w.copy()), freeze=False, **options)
    ya, yt = ours(ag.tensor(idx)), theirs(torch.tensor(idx))
    g = rng.standard_normal(ya.shape).astype(dtype)
    ya.backward(ag.tensor(g))
    yt.backward(torch.tensor(g))
    tol = 1e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(ya.detach().numpy(), yt.detach().numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=tol,
                               atol=tol)
    np.testing.assert_allclose(ours.weight.detach().numpy(), theirs.weight.detach().numpy(),
                               rtol=tol, atol=tol)  # max_norm renormalised the same rows


def test_state_dict_round_trip_with_pytorch():
    torch = pytest.importorskip("torch")
    ours = nn.Embedding(6, 3, padding_idx=0)
    theirs = torch.nn.Embedding(6, 3, padding_idx=0)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    idx = np.array([[0, 5, 2]])
    np.testing.assert_array_equal(ours(ag.tensor(idx)).detach().numpy(),
                                  theirs(torch.tensor(idx)).detach().numpy())
    back = nn.Embedding(6, 3)
    back.load_state_dict(theirs.state_dict())
    np.testing.assert_array_equal(back.weight.detach().numpy(), ours.weight.detach().numpy())


def test_an_embedding_model_learns_with_an_optimizer():
    """A bag-of-embeddings classifier: the loss falls and the padding row stays zero."""
    import optim

    ag.manual_seed(0)
    emb = nn.Embedding(8, 4, padding_idx=0)
    head = nn.Linear(4, 2)
    opt = optim.Adam(list(emb.parameters()) + list(head.parameters()), lr=0.05)
    tokens = ag.tensor([[1, 2, 0], [3, 4, 0], [5, 6, 7], [1, 6, 0]])
    labels = ag.tensor([0, 1, 1, 0])
    losses = []
    for _ in range(30):
        opt.zero_grad()
        loss = F.cross_entropy(head(emb(tokens).mean(dim=1)), labels)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.2 * losses[0]
    np.testing.assert_array_equal(emb.weight.detach().numpy()[0], np.zeros(4))
