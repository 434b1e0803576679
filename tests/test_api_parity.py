"""The PyTorch functions added after the parity audit: values by hand, edge cases, errors.

Forward, gradcheck, gradgradcheck, fake-GPU and torch comparisons of the
differentiable ones run from tests/op_table.py; here are the cases the table
cannot draw (zeros in prod, ties and NaN in sort, integer dtypes, bad input),
the functions without gradient, gradient clipping and the new schedules.
"""

from __future__ import annotations

import math

import fake_cuda
import numpy as np
import pytest

import autograd as ag
import nn
import optim
from optim import lr_scheduler


def _grad(fn, x):
    t = ag.tensor(x, dtype=ag.float64, requires_grad=True)
    fn(t).sum().backward()
    return t.grad.numpy()


# --- prod: the gradient where the input has zeros -------------------------------------------

def test_prod_gradient_without_zeros_is_the_product_of_the_others() -> None:
    np.testing.assert_allclose(_grad(lambda t: t.prod(), [2.0, 3.0, 4.0]), [12.0, 8.0, 6.0])


def test_prod_gradient_with_one_zero_is_nonzero_only_at_the_zero() -> None:
    np.testing.assert_array_equal(_grad(lambda t: t.prod(), [2.0, 0.0, 4.0]), [0.0, 8.0, 0.0])


def test_prod_gradient_with_two_zeros_is_zero() -> None:
    np.testing.assert_array_equal(_grad(lambda t: t.prod(), [0.0, 3.0, 0.0]), [0.0, 0.0, 0.0])


def test_prod_along_a_dim_handles_zeros_row_by_row() -> None:
    x = [[1.0, 0.0, 3.0], [2.0, 4.0, 5.0], [0.0, 0.0, 7.0]]
    g = _grad(lambda t: ag.prod(t, 1), x)
    np.testing.assert_array_equal(g, [[0.0, 3.0, 0.0], [20.0, 10.0, 8.0], [0.0, 0.0, 0.0]])
    assert ag.prod(ag.tensor(x), 0, keepdim=True).shape == (1, 3)


def test_prod_second_derivative_is_the_product_of_the_remaining_two() -> None:
    x = ag.tensor([2.0, 3.0, 5.0], dtype=ag.float64, requires_grad=True)
    (g,) = ag.grad(x.prod(), [x], create_graph=True)
    (h0,) = ag.grad(g[0], [x])
    np.testing.assert_allclose(h0.numpy(), [0.0, 5.0, 3.0])


def _prod_hessian(values):
    x = ag.tensor(values, dtype=ag.float64, requires_grad=True)
    (g,) = ag.grad(x.prod(), [x], create_graph=True)
    return np.stack([ag.grad(g[i], [x], retain_graph=True)[0].numpy()
                     for i in range(len(values))])


def test_prod_second_derivatives_at_zeros() -> None:
    """d2/dx_i dx_j prod = prod_{k != i, j} x_k: non-zero across a zero, as in PyTorch."""
    h = _prod_hessian([2.0, 0.0, 4.0, 3.0])
    np.testing.assert_array_equal(h[1], [12.0, 0.0, 6.0, 8.0])
    np.testing.assert_array_equal(h[0], [0.0, 12.0, 0.0, 0.0])
    h = _prod_hessian([0.0, 3.0, 0.0, 5.0])
    np.testing.assert_array_equal(h[0], [0.0, 0.0, 15.0, 0.0])
    np.testing.assert_array_equal(h[1], [0.0, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(_prod_hessian([0.0, 0.0, 0.0, 2.0]), np.zeros((4, 4)))


def test_prod_hessians_match_torch() -> None:
    torch = pytest.importorskip("torch")
    for values in ([2.0, 0.0, 4.0, 3.0], [0.0, 3.0, 0.0, 5.0], [1.5, 2.0, 3.0, -1.0]):
        expected = torch.autograd.functional.hessian(
            lambda v: v.prod(), torch.tensor(values, dtype=torch.float64))
        np.testing.assert_allclose(_prod_hessian(values), expected.numpy(), rtol=1e-12)


def test_prod_of_integers_is_int64_and_dim_must_be_an_int() -> None:
    out = ag.tensor([1, 2, 3], dtype=ag.int32).prod()
    assert out.dtype == ag.int64 and out.item() == 6
    with pytest.raises(TypeError, match="dim must be an int"):
        ag.prod(ag.ones(2, 2), (0, 1))


def test_prod_matches_torch_with_zeros() -> None:
    torch = pytest.importorskip("torch")
    x = np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 1.0], [1.5, -2.0, 4.0]])
    for dim in (None, 0, 1):
        ours = ag.tensor(x, requires_grad=True)
        theirs = torch.tensor(x, requires_grad=True)
        (ours.prod() if dim is None else ours.prod(dim)).sum().backward()
        (theirs.prod() if dim is None else theirs.prod(dim)).sum().backward()
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy())


# --- cumsum, flip, roll -----------------------------------------------------------------------

def test_cumsum_values_gradient_and_integer_dtype() -> None:
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.cumsum(0)
    np.testing.assert_array_equal(y.detach().numpy(), [1.0, 3.0, 6.0])
    (y * ag.tensor([1.0, 10.0, 100.0])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [111.0, 110.0, 100.0])
    assert ag.tensor([1, 2], dtype=ag.int32).cumsum(0).dtype == ag.int64
    assert ag.cumsum(ag.tensor(2.5), 0).item() == 2.5


def test_flip_and_roll_values() -> None:
    x = ag.arange(6).reshape(2, 3)
    assert x.flip(0).tolist() == [[3, 4, 5], [0, 1, 2]]
    assert ag.flip(x, (0, 1)).tolist() == [[5, 4, 3], [2, 1, 0]]
    assert x.roll(1, 1).tolist() == [[2, 0, 1], [5, 3, 4]]
    assert ag.roll(x, 1).tolist() == [[5, 0, 1], [2, 3, 4]]  # flattened, shape kept
    assert ag.roll(x, (1, -1), (0, 1)).tolist() == [[4, 5, 3], [1, 2, 0]]
    with pytest.raises(RuntimeError, match="shifts and dimensions must align"):
        ag.roll(x, (1, 2), 0)


# --- split, chunk, unbind, narrow, repeat, tile ------------------------------------------------

def test_split_chunk_unbind_sizes_as_pytorch() -> None:
    x = ag.arange(5.0)
    assert [p.shape[0] for p in x.split(2)] == [2, 2, 1]
    assert [p.shape[0] for p in ag.split(x, [2, 0, 3])] == [2, 0, 3]
    assert [p.shape[0] for p in x.chunk(3)] == [2, 2, 1]
    assert [p.shape[0] for p in ag.arange(6.0).chunk(4)] == [2, 2, 2]
    assert [p.shape for p in ag.zeros(0, 2).chunk(2)] == [(0, 2), (0, 2)]
    assert [p.shape for p in ag.zeros(0, 2).split(2)] == [(0, 2)]
    parts = ag.unbind(ag.arange(6.0).reshape(2, 3), 1)
    assert [p.tolist() for p in parts] == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]


def test_split_pieces_send_gradients_back_to_their_slices() -> None:
    x = ag.tensor([1.0, 2.0, 3.0, 4.0, 5.0], requires_grad=True)
    a, b = x.split([2, 3])
    (a.sum() * 2 + b.sum() * 3).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0, 3.0, 3.0, 3.0])


def test_split_chunk_narrow_errors_name_the_sizes() -> None:
    x = ag.ones(5)
    with pytest.raises(RuntimeError, match="sum exactly to 5"):
        x.split([2, 2])
    with pytest.raises(RuntimeError, match="split_size be positive"):
        x.split(0)
    with pytest.raises(RuntimeError, match="greater than 0"):
        x.chunk(0)
    with pytest.raises(RuntimeError, match=r"exceeds dimension size \(5\)"):
        x.narrow(0, 3, 3)
    assert x.narrow(0, -2, 2).shape == (2,)


def test_repeat_and_tile_values_and_gradient() -> None:
    x = ag.tensor([[1.0, 2.0]], requires_grad=True)
    y = x.repeat(2, 3)
    assert y.shape == (2, 6)
    assert y.tolist()[1] == [1.0, 2.0, 1.0, 2.0, 1.0, 2.0]
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[6.0, 6.0]])
    assert ag.tile(ag.tensor([1, 2]), (2,)).tolist() == [1, 2, 1, 2]
    assert ag.tile(ag.ones(2, 3), (2,)).shape == (2, 6)  # too few dims: leading 1s
    assert ag.ones(3).repeat(2, 1, 2).shape == (2, 1, 6)
    with pytest.raises(RuntimeError, match="can not be smaller"):
        ag.ones(2, 3).repeat(2)


# --- index_select, masked_select ----------------------------------------------------------------

def test_index_select_adds_up_repeated_indices() -> None:
    x = ag.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    y = x.index_select(1, ag.tensor([2, 0, 2]))
    assert y.tolist() == [[3.0, 1.0, 3.0], [6.0, 4.0, 6.0]]
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, 0.0, 2.0], [1.0, 0.0, 2.0]])


def test_index_select_errors() -> None:
    x = ag.ones(2, 3)
    with pytest.raises(IndexError, match="vector"):
        x.index_select(1, ag.tensor([[1]]))
    with pytest.raises(RuntimeError, match="index 3 is out of range for dimension 1 with size 3"):
        x.index_select(1, ag.tensor([3]))
    with pytest.raises(RuntimeError, match="integer"):
        x.index_select(1, ag.tensor([1.0]))


def test_masked_select_broadcasts_and_refuses_non_bool_masks() -> None:
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = ag.masked_select(x, ag.tensor([True, False]))
    assert y.tolist() == [1.0, 3.0]
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, 0.0], [1.0, 0.0]])
    with pytest.raises(RuntimeError, match="BoolTensor"):
        x.masked_select(ag.tensor([1, 0]))
    with pytest.raises(RuntimeError, match=r"\(3,\) does not broadcast"):
        x.masked_select(ag.tensor([True, False, True]))


# --- mm, bmm, dot, outer -------------------------------------------------------------------------

def test_products_values_and_shape_errors() -> None:
    a = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert ag.mm(a, a).tolist() == [[7.0, 10.0], [15.0, 22.0]]
    assert ag.dot(ag.tensor([1.0, 2.0]), ag.tensor([3.0, 4.0])).item() == 11.0
    assert ag.outer(ag.tensor([1.0, 2.0]), ag.tensor([3.0, 4.0, 5.0])).tolist() == [
        [3.0, 4.0, 5.0], [6.0, 8.0, 10.0]]
    assert ag.bmm(ag.ones(4, 2, 3), ag.ones(4, 3, 5)).shape == (4, 2, 5)
    with pytest.raises(RuntimeError, match="mm: expected 2-D tensors, but argument 1 has shape"):
        ag.mm(ag.ones(3), a)
    with pytest.raises(RuntimeError, match=r"\(2x3 and 2x3\)"):
        ag.mm(ag.ones(2, 3), ag.ones(2, 3))
    with pytest.raises(RuntimeError, match="batch sizes differ"):
        ag.bmm(ag.ones(4, 2, 3), ag.ones(3, 3, 5))
    with pytest.raises(RuntimeError, match="inconsistent tensor size"):
        ag.dot(ag.ones(2), ag.ones(3))
    with pytest.raises(RuntimeError, match="outer: expected 1-D"):
        ag.outer(ag.ones(2, 2), ag.ones(2))


# --- rounding: zero gradient, half to even, integers kept ------------------------------------

def test_rounding_functions_values_and_zero_gradient() -> None:
    x = ag.tensor([-1.5, -0.5, 0.5, 1.5, 2.5, 2.7], requires_grad=True)
    assert ag.round(x).tolist() == [-2.0, -0.0, 0.0, 2.0, 2.0, 3.0]  # half to even
    assert ag.floor(x).tolist() == [-2.0, -1.0, 0.0, 1.0, 2.0, 2.0]
    assert x.ceil().tolist() == [-1.0, -0.0, 1.0, 2.0, 3.0, 3.0]
    assert ag.trunc(x).tolist() == [-1.0, -0.0, 0.0, 1.0, 2.0, 2.0]
    y = ag.round(x) + x.floor() + x.ceil() + x.trunc()
    assert y.requires_grad
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros(6))
    assert ag.tensor([1.234, 5.678]).round(decimals=1).tolist() == pytest.approx([1.2, 5.7])
    ints = ag.tensor([1, -2], dtype=ag.int32)
    assert ints.floor().dtype == ag.int32 and ints.round().tolist() == [1, -2]


def test_elementwise_functions_at_known_points() -> None:
    x = ag.tensor([0.5], dtype=ag.float64, requires_grad=True)
    cases = [
        (ag.log1p, math.log1p(0.5), 1 / 1.5), (ag.expm1, math.expm1(0.5), math.exp(0.5)),
        (ag.log2, -1.0, 1 / (0.5 * math.log(2))), (ag.log10, math.log10(0.5),
                                                   1 / (0.5 * math.log(10))),
        (ag.rsqrt, 2**0.5, -0.5 * 0.5**-1.5), (ag.reciprocal, 2.0, -4.0),
        (ag.erf, math.erf(0.5), 2 / math.sqrt(math.pi) * math.exp(-0.25)),
        (ag.atan, math.atan(0.5), 1 / 1.25), (ag.asin, math.asin(0.5), 1 / math.sqrt(0.75)),
        (ag.acos, math.acos(0.5), -1 / math.sqrt(0.75)), (ag.sinh, math.sinh(0.5),
                                                          math.cosh(0.5)),
        (ag.cosh, math.cosh(0.5), math.sinh(0.5)),
    ]
    for fn, value, slope in cases:
        x.grad = None
        y = fn(x)
        y.backward(ag.ones_like(y))
        assert y.item() == pytest.approx(value, rel=1e-12), fn.__name__
        assert x.grad.item() == pytest.approx(slope, rel=1e-12), fn.__name__
    assert ag.arctan is ag.atan and ag.arcsin is ag.asin and ag.arccos is ag.acos


def test_integer_input_to_float_functions_gives_float32() -> None:
    assert ag.log2(ag.tensor([1, 4])).dtype == ag.float32
    assert ag.tensor([4]).rsqrt().tolist() == [0.5]


def test_lerp_addcmul_addcdiv_and_one_sided_clamps() -> None:
    a, b = ag.tensor([0.0, 10.0]), ag.tensor([10.0, 20.0])
    w = ag.tensor([0.25, 0.5], requires_grad=True)
    y = ag.lerp(a, b, w)
    assert y.tolist() == [2.5, 15.0]
    y.sum().backward()
    assert w.grad.tolist() == [10.0, 10.0]  # d/dw = end - start
    assert a.lerp(b, 0.1).tolist() == pytest.approx([1.0, 11.0])
    assert ag.addcmul(a, b, b, value=0.5).tolist() == [50.0, 210.0]
    assert a.addcdiv(b, ag.tensor([2.0, 4.0])).tolist() == [5.0, 15.0]
    x = ag.tensor([-2.0, 0.0, 2.0])
    assert ag.clamp_min(x, -1).tolist() == [-1.0, 0.0, 2.0]
    assert x.clamp_max(1).tolist() == [-2.0, 0.0, 1.0]


# --- sort, argsort, topk --------------------------------------------------------------------

def test_sort_values_indices_and_gradient() -> None:
    x = ag.tensor([3.0, 1.0, 2.0], requires_grad=True)
    values, indices = ag.sort(x)
    assert values.tolist() == [1.0, 2.0, 3.0] and indices.tolist() == [1, 2, 0]
    assert indices.dtype == ag.int64 and not indices.requires_grad
    (values * ag.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert x.grad.tolist() == [100.0, 1.0, 10.0]  # each value's weight goes back to its place
    assert x.sort(descending=True).indices.tolist() == [0, 2, 1]
    assert ag.argsort(x, descending=True).tolist() == [0, 2, 1]


def test_sort_stable_ties_nan_first_when_descending_and_integers() -> None:
    assert ag.sort(ag.tensor([2, 1, 2, 1]), stable=True).indices.tolist() == [1, 3, 0, 2]
    assert ag.sort(ag.tensor([2, 1, 2, 1]), descending=True, stable=True).indices.tolist() == [
        0, 2, 1, 3]
    values, indices = ag.sort(ag.tensor([1.0, float("nan"), 0.0]), descending=True)
    assert math.isnan(values.tolist()[0]) and indices.tolist() == [1, 0, 2]
    assert ag.sort(ag.tensor([True, False])).values.tolist() == [False, True]


def test_topk_values_indices_and_errors() -> None:
    x = ag.tensor([[1.0, 5.0, 3.0], [4.0, 0.0, 6.0]])
    values, indices = ag.topk(x, 2)
    assert values.tolist() == [[5.0, 3.0], [6.0, 4.0]] and indices.tolist() == [[1, 2], [2, 0]]
    assert x.topk(1, dim=0, largest=False).values.tolist() == [[1.0, 0.0, 3.0]]
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        x.topk(4)
    scalar = ag.tensor(2.0).topk(1)
    assert scalar.values.item() == 2.0 and scalar.indices.item() == 0


# --- functions without gradient ---------------------------------------------------------------

def test_unique_with_inverse_and_counts() -> None:
    x = ag.tensor([3, 1, 3, 2])
    assert ag.unique(x).tolist() == [1, 2, 3]
    values, inverse, counts = ag.unique(x, return_inverse=True, return_counts=True)
    assert values.tolist() == [1, 2, 3]
    assert inverse.tolist() == [2, 0, 2, 1] and counts.tolist() == [1, 1, 2]
    assert inverse.dtype == ag.int64
    assert ag.unique(ag.tensor([[2, 2], [1, 2]]), return_inverse=True)[1].shape == (2, 2)


def test_allclose_equal_count_nonzero_isnan_all_any() -> None:
    a = ag.tensor([1.0, 2.0])
    assert ag.allclose(a, a + 1e-9) and not ag.allclose(a, a + 1e-3)
    assert ag.allclose(ag.tensor([float("nan")]), ag.tensor([float("nan")]), equal_nan=True)
    assert ag.equal(a, ag.tensor([1.0, 2.0])) and not ag.equal(a, ag.tensor([1.0, 3.0]))
    assert not ag.equal(a, ag.tensor([[1.0, 2.0]]))  # same values, other shape
    x = ag.tensor([[0, 1], [2, 0]])
    assert ag.count_nonzero(x).item() == 2 and ag.count_nonzero(x, dim=0).tolist() == [1, 1]
    assert ag.isnan(ag.tensor([0.0, float("nan")])).tolist() == [False, True]
    assert ag.isfinite(ag.tensor([float("inf"), 1.0])).tolist() == [False, True]
    assert ag.all(x, dim=1).tolist() == [False, False] and ag.any(x).item() is True


def test_norm_orders() -> None:
    x = ag.tensor([[3.0, -4.0], [0.0, 12.0]])
    assert ag.norm(x).item() == 13.0
    assert ag.norm(x, p="fro").item() == 13.0
    assert ag.norm(x, 1).item() == 19.0
    assert ag.norm(x, float("inf")).item() == 12.0
    assert ag.norm(x, 2, dim=1).tolist() == [5.0, 12.0]


# --- keyword forms ----------------------------------------------------------------------------

def test_keyword_forms_pytorch_accepts() -> None:
    x = ag.arange(6.0)
    assert x.reshape(shape=(2, 3)).shape == (2, 3)
    assert x.view((3, 2)).shape == (3, 2) and x.view(size=(3, 2)).shape == (3, 2)
    y = x.reshape(2, 3)
    assert y.permute(dims=(1, 0)).shape == (3, 2)
    assert y[:1].expand(size=(4, 3)).shape == (4, 3)
    assert ag.zeros(size=(2, 3)).shape == (2, 3) and ag.ones(size=[4]).tolist() == [1.0] * 4
    assert ag.empty(size=(1, 2)).shape == (1, 2)
    with pytest.raises(TypeError, match="both positionally and as shape="):
        x.reshape(2, 3, shape=(3, 2))
    with pytest.raises(TypeError, match="both positionally and as size="):
        ag.zeros(2, size=(2,))


# --- nn.utils: gradient clipping ----------------------------------------------------------------

def _params_with_grads():
    a = ag.tensor([3.0, 0.0], requires_grad=True)
    b = ag.tensor([[4.0]], requires_grad=True)
    a.grad = ag.tensor([3.0, 0.0])
    b.grad = ag.tensor([[4.0]])
    return a, b


def test_clip_grad_norm_scales_all_gradients_together() -> None:
    a, b = _params_with_grads()
    total = nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    assert total.item() == pytest.approx(5.0)
    scale = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(a.grad.numpy(), [3.0 * scale, 0.0], rtol=1e-6)
    np.testing.assert_allclose(b.grad.numpy(), [[4.0 * scale]], rtol=1e-6)


def test_clip_grad_norm_leaves_small_gradients_and_takes_other_orders() -> None:
    a, b = _params_with_grads()
    assert nn.utils.clip_grad_norm_((a, b), 10.0).item() == pytest.approx(5.0)
    assert a.grad.tolist() == [3.0, 0.0]
    a, b = _params_with_grads()
    assert nn.utils.clip_grad_norm_([a, b], 2.0, norm_type=float("inf")).item() == 4.0
    np.testing.assert_allclose(b.grad.numpy(), [[2.0]], rtol=1e-6)
    a, b = _params_with_grads()
    assert nn.utils.clip_grad_norm_([a, b], 100.0, norm_type=1).item() == 7.0
    c = ag.tensor([1.0], requires_grad=True)  # no gradient: ignored
    assert nn.utils.clip_grad_norm_([c], 1.0).item() == 0.0


def test_clip_grad_norm_can_refuse_a_non_finite_norm() -> None:
    a = ag.tensor([1.0], requires_grad=True)
    a.grad = ag.tensor([float("inf")])
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_(a, 1.0, error_if_nonfinite=True)


def test_clip_grad_value_clamps_in_place() -> None:
    a, b = _params_with_grads()
    assert nn.utils.clip_grad_value_([a, b], 3.5) is None
    assert a.grad.tolist() == [3.0, 0.0] and b.grad.tolist() == [[3.5]]


def test_clipping_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal((3, 4)), rng.standard_normal(5)]
    for norm_type in (2.0, 1.0, float("inf"), 3.0):
        ours = [ag.zeros(*g.shape, dtype=ag.float64, requires_grad=True) for g in grads]
        theirs = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
        for p, q, g in zip(ours, theirs, grads, strict=True):
            p.grad, q.grad = ag.tensor(g), torch.tensor(g)
        t1 = nn.utils.clip_grad_norm_(ours, 0.7, norm_type)
        t2 = torch.nn.utils.clip_grad_norm_(theirs, 0.7, norm_type)
        assert t1.item() == pytest.approx(t2.item(), rel=1e-12)
        for p, q in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-12)


# --- the new learning-rate schedules -----------------------------------------------------------

def _sgd(lr=0.1, momentum=0.0):
    return optim.SGD([ag.tensor([1.0], requires_grad=True)], lr=lr, momentum=momentum)


def _lrs(opt, scheduler, steps):
    seq = []
    for _ in range(steps):
        seq.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    return seq


def test_lambda_lr_is_base_times_the_function() -> None:
    opt = _sgd(0.5)
    sched = lr_scheduler.LambdaLR(opt, lambda epoch: 0.9**epoch)
    assert _lrs(opt, sched, 4) == pytest.approx([0.5 * 0.9**k for k in range(4)])
    with pytest.raises(ValueError, match="Expected 1 lr_lambdas, but got 2"):
        lr_scheduler.LambdaLR(_sgd(), [lambda e: 1.0, lambda e: 1.0])


def test_multiplicative_lr_multiplies_from_epoch_one() -> None:
    opt = _sgd(1.0)
    sched = lr_scheduler.MultiplicativeLR(opt, lambda epoch: 0.5)
    assert _lrs(opt, sched, 4) == pytest.approx([1.0, 0.5, 0.25, 0.125])


def test_linear_lr_ramps_then_stays() -> None:
    opt = _sgd(0.1)
    sched = lr_scheduler.LinearLR(opt, start_factor=0.5, end_factor=1.0, total_iters=4)
    expected = [0.1 * (0.5 + 0.5 * min(t, 4) / 4) for t in range(7)]
    assert _lrs(opt, sched, 7) == pytest.approx(expected)
    with pytest.raises(ValueError, match="Starting multiplicative factor"):
        lr_scheduler.LinearLR(_sgd(), start_factor=0.0)


def test_one_cycle_lr_rises_to_max_then_falls_to_the_minimum() -> None:
    opt = _sgd(0.1, momentum=0.9)
    sched = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10, pct_start=0.3)
    seq, momenta = [], []
    for _ in range(10):
        seq.append(opt.param_groups[0]["lr"])
        momenta.append(opt.param_groups[0]["momentum"])
        opt.step()
        if len(seq) < 10:
            sched.step()
    assert seq[0] == pytest.approx(1.0 / 25)
    assert seq[2] == pytest.approx(1.0)  # the peak at pct_start * total_steps - 1
    assert seq[-1] == pytest.approx(1.0 / 25 / 1e4)
    assert momenta[0] == pytest.approx(0.95) and momenta[2] == pytest.approx(0.85)
    # up: the cosine from 1/25 to 1 over steps 0..2; down: from 1 to 4e-6 over steps 2..9
    assert seq[1] == pytest.approx(1.0 + (1 / 25 - 1.0) / 2 * (1 + math.cos(math.pi * 0.5)))
    low = 1.0 / 25 / 1e4
    assert seq[5] == pytest.approx(low + (1.0 - low) / 2 * (1 + math.cos(math.pi * 3 / 7)))
    assert momenta[5] == pytest.approx(0.95 + (0.85 - 0.95) / 2 * (1 + math.cos(math.pi * 3 / 7)))
    with pytest.raises(ValueError, match="Tried to step 11 times"):
        sched.step()
        sched.step()
    with pytest.raises(ValueError, match="total_steps OR"):
        lr_scheduler.OneCycleLR(_sgd(), max_lr=1.0)
    with pytest.raises(ValueError, match="momentum or beta1"):
        lr_scheduler.OneCycleLR(optim.Adagrad([ag.tensor([1.0], requires_grad=True)]), 1.0,
                                total_steps=5)


def test_one_cycle_lr_cycles_adams_beta1() -> None:
    opt = optim.Adam([ag.tensor([1.0], requires_grad=True)], lr=0.1, betas=(0.9, 0.99))
    lr_scheduler.OneCycleLR(opt, max_lr=0.01, total_steps=5, max_momentum=0.97)
    assert opt.param_groups[0]["betas"] == (0.97, 0.99)


@pytest.mark.parametrize("name", ["LambdaLR", "MultiplicativeLR", "LinearLR", "OneCycleLR",
                                  "OneCycleLR_linear_3phase"])
def test_new_schedules_match_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    kwargs = {
        "LambdaLR": dict(lr_lambda=lambda e: 1 / (1 + e)),
        "MultiplicativeLR": dict(lr_lambda=lambda e: 0.9 if e % 2 else 0.8),
        "LinearLR": dict(start_factor=0.2, end_factor=0.9, total_iters=6),
        "OneCycleLR": dict(max_lr=[0.5, 2.0], epochs=3, steps_per_epoch=5),
        "OneCycleLR_linear_3phase": dict(max_lr=0.5, total_steps=20, anneal_strategy="linear",
                                         three_phase=True, pct_start=0.25),
    }[name]
    cls = name.split("_")[0]
    steps = 15 if cls == "OneCycleLR" else 12

    def run(lib, opt_mod, sched_mod, make):
        ps = [make() for _ in range(2)]
        opt = opt_mod.SGD([{"params": [ps[0]]}, {"params": [ps[1]], "lr": 0.3}], lr=0.1,
                          momentum=0.9)
        sched = getattr(sched_mod, cls)(opt, **kwargs)
        out = []
        for k in range(steps):
            out.append([(g["lr"], g["momentum"]) for g in opt.param_groups])
            opt.step()
            if k < steps - 1:
                sched.step()
        return out

    ours = run(ag, optim, lr_scheduler, lambda: ag.tensor([1.0], requires_grad=True))
    theirs = run(torch, torch.optim, torch.optim.lr_scheduler,
                 lambda: torch.tensor([1.0], requires_grad=True))
    np.testing.assert_allclose(np.array(ours), np.array(theirs), rtol=1e-12, atol=1e-15)


# --- einsum ---------------------------------------------------------------------------------------

def test_einsum_values_and_forms() -> None:
    a = ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    b = ag.tensor([[5.0], [6.0]])
    assert ag.einsum("ij,jk->ik", a, b).tolist() == [[17.0], [39.0]]
    assert ag.einsum("ij,jk", [a, b]).tolist() == [[17.0], [39.0]]  # implicit output, a list
    assert ag.einsum("ij->", a).item() == 10.0
    ag.einsum("ij->i", a).sum().backward()
    assert a.grad.tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_einsum_errors_name_the_problem() -> None:
    a = ag.ones(2, 3)
    with pytest.raises(RuntimeError, match="subscript j has size 2"):
        ag.einsum("ij,jk->ik", a, ag.ones(2, 2))
    with pytest.raises(RuntimeError, match=r"dimensions \(2\) of operand 0"):
        ag.einsum("i->i", a)
    with pytest.raises(ValueError, match="2 operands' subscripts but 1"):
        ag.einsum("ij,jk->ik", a)
    with pytest.raises(NotImplementedError, match="ellipsis"):
        ag.einsum("...j->j", a)


def test_einsum_reads_diagonals_and_sends_gradient_to_them_only() -> None:
    a = ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    trace = ag.einsum("ii", a)
    assert trace.item() == 5.0
    trace.backward()
    assert a.grad.tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert ag.einsum("ii->i", a).tolist() == [1.0, 4.0]


# --- on a (fake) GPU: the paths the table does not draw ------------------------------------

def test_functions_without_gradient_and_zero_safe_prod_on_gpu() -> None:
    with fake_cuda.installed():
        x = ag.tensor([[2.0, 0.0, 4.0], [1.0, 2.0, 3.0]], device="cuda", requires_grad=True)
        ag.prod(x, 1).sum().backward()
        assert x.grad.device == ag.device("cuda:0")
        assert x.grad.tolist() == [[0.0, 8.0, 0.0], [6.0, 3.0, 2.0]]
        y = ag.tensor([1.0, float("nan"), 3.0, 1.0], device="cuda")
        values, indices = y.sort(descending=True)
        assert indices.tolist() == [1, 2, 0, 3] and indices.device == ag.device("cuda:0")
        assert ag.topk(y, 2, largest=False).indices.tolist() == [0, 3]
        assert ag.unique(ag.tensor([3, 1, 3], device="cuda")).tolist() == [1, 3]
        assert ag.count_nonzero(x.detach()).item() == 5
        assert ag.allclose(x.detach(), x.detach() + 1e-9) and ag.equal(x.detach(), x.detach())
        assert x.detach().index_select(1, ag.tensor([2, 2], device="cuda")).tolist() == [
            [4.0, 4.0], [3.0, 3.0]]
        g = ag.zeros(2, device="cuda", requires_grad=True)
        g.grad = ag.tensor([3.0, 4.0], device="cuda")
        assert nn.utils.clip_grad_norm_([g], 1.0).item() == pytest.approx(5.0)
        assert g.grad.device == ag.device("cuda:0")
        nn.utils.clip_grad_value_([g], 0.1)
        assert g.grad.tolist() == pytest.approx([0.1, 0.1])
        with pytest.raises(RuntimeError, match="same device"):
            x.index_select(0, ag.tensor([0]))
        with pytest.raises(RuntimeError, match="same device"):
            x.masked_select(ag.tensor([True, False, True]))


def test_an_empty_dim_reduces_every_dim_as_in_pytorch() -> None:
    """sum(dim=()) is the sum of everything in PyTorch (numpy's axis=() would reduce none);
    any and all keep numpy's reading, as PyTorch's do."""
    leaf = ag.arange(6.0, requires_grad=True)
    x = leaf.reshape(2, 3)
    expected = {"sum": 15.0, "mean": 2.5, "amax": 5.0, "amin": 0.0, "var": 3.5,
                "std": 3.5 ** 0.5, "norm": 55.0 ** 0.5}
    for name, value in expected.items():
        for dim in ((), []):
            out = getattr(x, name)(dim=dim)
            assert out.shape == () and out.item() == pytest.approx(value), (name, dim)
    x.sum(dim=()).backward()
    np.testing.assert_array_equal(leaf.grad.numpy(), np.ones(6))
    assert x.count_nonzero(dim=()).item() == 5
    assert (x > 0).any(dim=()).shape == (2, 3)
