"""``x[index]`` with ints, slices (steps too), None, Ellipsis, integer arrays and bool masks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag

BASE = np.arange(60.0).reshape(3, 4, 5) / 7.0

INDEXES = {
    "int": 1,
    "negative int": -1,
    "int pair": (2, 3),
    "ints all dims": (0, -1, 2),
    "slice": slice(1, 3),
    "slice with step": (slice(None), slice(None, None, 2)),
    "slice step 3 from 1": (slice(None), slice(None), slice(1, None, 3)),
    "negative slice": slice(-2, None),
    "empty slice": slice(2, 2),
    "None": None,
    "None in the middle": (slice(None), None, 1),
    "Ellipsis": (Ellipsis, 0),
    "Ellipsis and None": (0, Ellipsis, None),
    "int list": [0, 2],
    "repeated int list": [0, 0, 2, 0],
    "int array on dim 1": (slice(None), np.array([3, 1, 3])),
    "2-D int array": np.array([[0, 1], [1, 1]]),
    "paired int arrays": (np.array([0, 2, 2]), np.array([1, 3, 3])),
    "int array with slice and int": (np.array([2, 0]), slice(1, 3), 4),
    "bool mask of dim 0": np.array([True, False, True]),
    "full bool mask": BASE > 3.0,
    "bool mask of dims 1,2": (1, (BASE[0] % 2) > 0.5),
}


def _as_ours(index):
    """The same index, with numpy arrays as int64/bool Tensors (as a user writes them)."""
    if isinstance(index, tuple):
        return tuple(_as_ours(i) for i in index)
    if isinstance(index, np.ndarray):
        return ag.tensor(index)
    return index


def _reference_grad(index, upstream: np.ndarray) -> np.ndarray:
    """dL/dx for L = sum(upstream * x[index]): upstream added back, repeats accumulating."""
    grad = np.zeros_like(BASE)
    np.add.at(grad, index, upstream)
    return grad


@pytest.mark.parametrize("name", list(INDEXES))
@pytest.mark.parametrize("as_tensor", [False, True], ids=["numpy-index", "tensor-index"])
def test_getitem_forward_and_backward(name: str, as_tensor: bool) -> None:
    index = INDEXES[name]
    x = ag.tensor(BASE, requires_grad=True)
    out = x[_as_ours(index) if as_tensor else index]
    expected = BASE[index]
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out.detach().numpy(), expected)
    upstream = np.random.default_rng(0).standard_normal(expected.shape)
    (out * ag.tensor(upstream)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), _reference_grad(index, upstream), rtol=1e-12)


@pytest.mark.parametrize("name", ["slice with step", "repeated int list", "full bool mask",
                                  "paired int arrays", "Ellipsis and None"])
def test_getitem_gradcheck_and_gradgradcheck(name: str) -> None:
    index = INDEXES[name]
    x = ag.tensor(BASE, requires_grad=True)
    assert ag.gradcheck(lambda t: t[index] ** 2, [x])
    small = ag.tensor(BASE, requires_grad=True)
    assert ag.gradgradcheck(lambda t: t[index] ** 2, [small])


def test_repeated_indices_accumulate() -> None:
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 0, 2]].sum().backward()
    assert x.grad.tolist() == [3.0, 0.0, 1.0]


def test_python_list_of_bools_is_a_mask() -> None:
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = x[ag.tensor([True, False, True])]
    assert out.tolist() == [1.0, 3.0]
    out.sum().backward()
    assert x.grad.tolist() == [1.0, 0.0, 1.0]


def test_mask_from_a_comparison() -> None:
    x = ag.tensor([-1.0, 2.0, -3.0, 4.0], requires_grad=True)
    positive = x[x > 0]
    assert positive.tolist() == [2.0, 4.0]
    (positive**2).sum().backward()
    assert x.grad.tolist() == [0.0, 4.0, 0.0, 8.0]


def test_zero_dim_integer_tensor_as_index() -> None:
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x[ag.tensor(1)].tolist() == [3.0, 4.0]


@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), data=st.data())
def test_basic_indices_drawn_by_hypothesis(shape, data) -> None:
    index = data.draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    values = np.arange(float(np.prod(shape))).reshape(shape)
    x = ag.tensor(values, requires_grad=True)
    items = index if isinstance(index, tuple) else (index,)
    if any(isinstance(i, slice) and i.step is not None and i.step < 0 for i in items):
        with pytest.raises(ValueError, match="step must be greater than zero"):
            x[index]  # as PyTorch: no negative steps (numpy would reverse)
        return
    out = x[index]
    np.testing.assert_array_equal(out.detach().numpy(), values[index])
    out.sum().backward()
    expected = np.zeros(shape)
    expected[index] += 1.0  # basic indices never repeat an element
    np.testing.assert_array_equal(x.grad.numpy(), expected)


@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), data=st.data())
def test_integer_array_indices_drawn_by_hypothesis(shape, data) -> None:
    index = data.draw(hnp.integer_array_indices(shape, result_shape=hnp.array_shapes(
        min_dims=1, max_dims=2, max_side=4)))
    values = np.random.default_rng(0).standard_normal(shape)
    x = ag.tensor(values, requires_grad=True)
    assert ag.gradcheck(lambda t: t[index], [x])
    np.testing.assert_array_equal(x[index].detach().numpy(), values[index])


def test_index_out_of_range() -> None:
    with pytest.raises(IndexError, match="out of bounds|out of range"):
        ag.ones(3)[5]
    with pytest.raises(IndexError):
        ag.ones(3)[[0, 3]]


# --- setitem --------------------------------------------------------------------------------------

def test_setitem_under_no_grad_writes_in_place() -> None:
    x = ag.zeros(4)
    data = x._array
    x[1:3] = 5.0
    x[ag.tensor([True, False, False, True])] = ag.tensor([1.0, 2.0])
    assert x.tolist() == [1.0, 5.0, 5.0, 2.0] and x._array is data


def test_setitem_on_a_non_leaf_is_differentiable_for_both_sides() -> None:
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = ag.tensor([10.0], requires_grad=True)
    h = x * 2
    h[1:2] = v * 3
    (h * ag.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert h.tolist() == [2.0, 30.0, 6.0]
    assert x.grad.tolist() == [2.0, 0.0, 6.0]  # the overwritten element gets nothing
    assert v.grad.tolist() == [6.0]
