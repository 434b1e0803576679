"""The Tensor: constructors, attributes, conversions and repr, as in PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag

# --- constructors ----------------------------------------------------------------------------


@pytest.mark.parametrize("data, dtype, shape", [
    ([1.0, 2.0], ag.float32, (2,)),       # Python floats -> the default float
    ([1, 2], ag.int64, (2,)),             # Python ints -> int64
    ([True, False], ag.bool, (2,)),
    ([1, 2.5], ag.float32, (2,)),         # mixed -> float
    (3.5, ag.float32, ()),
    (7, ag.int64, ()),
    ([[1.0, 2.0], [3.0, 4.0]], ag.float32, (2, 2)),
    ([], ag.float32, (0,)),
    (np.array([1.0, 2.0]), ag.float64, (2,)),                  # numpy keeps its dtype
    (np.array([1, 2], dtype=np.int32), ag.int32, (2,)),
    (np.array([1, 2], dtype=np.float16), ag.float16, (2,)),
    (np.float64(2.0), ag.float64, ()),
])
def test_tensor_infers_dtype_as_pytorch(data, dtype, shape) -> None:
    t = ag.tensor(data)
    assert t.dtype == dtype and t.shape == shape


def test_tensor_copies_its_data_but_from_numpy_shares_it() -> None:
    arr = np.array([1.0, 2.0])
    t, shared = ag.tensor(arr), ag.from_numpy(arr)
    arr[0] = 100.0
    assert t.tolist() == [1.0, 2.0]
    assert shared.tolist() == [100.0, 2.0]
    assert shared.dtype == ag.float64


def test_from_numpy_needs_an_array() -> None:
    with pytest.raises(TypeError, match="ndarray"):
        ag.from_numpy([1.0, 2.0])


def test_tensor_with_explicit_dtype_and_requires_grad() -> None:
    t = ag.tensor([1, 2], dtype=ag.float64, requires_grad=True)
    assert t.dtype == ag.float64 and t.requires_grad and t.is_leaf and t.grad is None


def test_tensor_from_tensors() -> None:
    assert ag.tensor([ag.tensor(1.0), ag.tensor(2.0)]).tolist() == [1.0, 2.0]
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = ag.tensor(x.detach())
    assert not y.requires_grad and not np.shares_memory(y._array, x._array)


@pytest.mark.parametrize("make, value, dtype, shape", [
    (lambda: ag.zeros(2, 3), 0.0, ag.float32, (2, 3)),
    (lambda: ag.zeros((2, 3)), 0.0, ag.float32, (2, 3)),
    (lambda: ag.ones([4]), 1.0, ag.float32, (4,)),
    (lambda: ag.ones(2, dtype=ag.int64), 1, ag.int64, (2,)),
    (lambda: ag.full((2, 2), 7.5), 7.5, ag.float32, (2, 2)),
    (lambda: ag.full((2,), 3), 3, ag.int64, (2,)),
    (lambda: ag.full((2,), True), True, ag.bool, (2,)),
    (lambda: ag.zeros_like(ag.ones(2, 1, dtype=ag.float64)), 0.0, ag.float64, (2, 1)),
    (lambda: ag.ones_like(ag.tensor([1, 2])), 1, ag.int64, (2,)),
    (lambda: ag.ones_like(ag.tensor([1, 2]), dtype=ag.float32), 1.0, ag.float32, (2,)),
    (lambda: ag.zeros(()), 0.0, ag.float32, ()),
])
def test_filled_constructors(make, value, dtype, shape) -> None:
    t = make()
    assert t.dtype == dtype and t.shape == shape
    assert (t.numpy() == value).all()


def test_arange_as_pytorch() -> None:
    assert ag.arange(5).tolist() == [0, 1, 2, 3, 4] and ag.arange(5).dtype == ag.int64
    assert ag.arange(2, 8, 2).tolist() == [2, 4, 6]
    t = ag.arange(0.0, 1.0, 0.25)
    assert t.dtype == ag.float32 and t.tolist() == [0.0, 0.25, 0.5, 0.75]
    assert ag.arange(3, dtype=ag.float64).dtype == ag.float64


def test_eye() -> None:
    np.testing.assert_array_equal(ag.eye(3).numpy(), np.eye(3))
    assert ag.eye(2, 3).shape == (2, 3) and ag.eye(2).dtype == ag.float32


def test_zeros_like_does_not_share_or_require_grad() -> None:
    x = ag.ones(2, requires_grad=True)
    z = ag.zeros_like(x)
    assert not z.requires_grad and z.tolist() == [0.0, 0.0]
    assert ag.zeros_like(x, requires_grad=True).requires_grad


# --- random ---------------------------------------------------------------------------------------

def test_manual_seed_makes_random_numbers_reproducible() -> None:
    ag.manual_seed(42)
    a = (ag.rand(3, 4), ag.randn(5), ag.randint(0, 10, (6,)), ag.randperm(7))
    ag.manual_seed(42)
    b = (ag.rand(3, 4), ag.randn(5), ag.randint(0, 10, (6,)), ag.randperm(7))
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x.numpy(), y.numpy())
    ag.manual_seed(43)
    assert not np.array_equal(ag.rand(3, 4).numpy(), a[0].numpy())


def test_random_constructors_shapes_dtypes_and_ranges() -> None:
    ag.manual_seed(0)
    r = ag.rand(1000)
    assert r.dtype == ag.float32 and 0.0 <= r.numpy().min() and r.numpy().max() < 1.0
    n = ag.randn(2000, dtype=ag.float64)
    assert n.dtype == ag.float64 and abs(n.numpy().mean()) < 0.1 and abs(n.numpy().std() - 1) < 0.1
    i = ag.randint(3, 6, (500,))
    assert i.dtype == ag.int64 and set(i.tolist()) == {3, 4, 5}
    assert sorted(ag.randperm(6).tolist()) == list(range(6))
    assert ag.randn(2, 3, requires_grad=True).requires_grad
    assert ag.rand((2, 3)).shape == (2, 3)


def test_generators_are_independent() -> None:
    g1, g2 = ag.Generator().manual_seed(1), ag.Generator().manual_seed(1)
    ag.manual_seed(5)
    ag.randn(10)  # the default generator moves; g1 and g2 don't
    np.testing.assert_array_equal(ag.randn(3, generator=g1).numpy(),
                                  ag.randn(3, generator=g2).numpy())


# --- attributes -----------------------------------------------------------------------------------

def test_attributes() -> None:
    x = ag.ones(2, 3, requires_grad=True)
    assert x.shape == (2, 3) and x.ndim == 2 and x.dim() == 2 and x.size() == (2, 3)
    assert x.size(1) == 3 and x.numel() == 6 and len(x) == 2
    assert x.dtype == ag.float32 and x.device == ag.device("cpu") and x.device == "cpu"
    assert str(x.device) == "cpu" and x.device.type == "cpu"
    assert x.is_leaf and x.grad_fn is None and x.requires_grad
    assert isinstance(x._array, np.ndarray)
    y = x * 2
    assert not y.is_leaf and y.grad_fn.name() == "MulBackward0" and y.requires_grad
    assert x.T.shape == (3, 2) and ag.ones(2, 3, 4).T.shape == (4, 3, 2)
    assert x.T.grad_fn is not None


def test_requires_grad_can_be_set_on_a_leaf() -> None:
    x = ag.ones(2)
    assert x.requires_grad_() is x and x.requires_grad
    x.requires_grad = False
    assert not x.requires_grad


# --- conversions ----------------------------------------------------------------------------------

def test_numpy_item_tolist() -> None:
    x = ag.tensor([[1.5, 2.5]])
    assert isinstance(x.numpy(), np.ndarray) and x.numpy().dtype == np.float32
    assert x.tolist() == [[1.5, 2.5]]
    assert ag.tensor([[3.25]]).item() == 3.25 and isinstance(ag.tensor(3).item(), int)
    assert float(ag.tensor(2.5)) == 2.5 and int(ag.tensor(7)) == 7
    assert [7, 8, 9][ag.tensor(1)] == 8


def test_numpy_shares_memory_with_the_tensor() -> None:
    x = ag.zeros(3)
    x.numpy()[0] = 5.0
    assert x.tolist()[0] == 5.0


def test_detach_shares_data_but_leaves_the_graph() -> None:
    x = ag.ones(2, requires_grad=True)
    y = (x * 2).detach()
    assert not y.requires_grad and y.grad_fn is None and y.is_leaf
    d = x.detach()
    assert np.shares_memory(d._array, x._array)


def test_float_and_double() -> None:
    x = ag.tensor([1, 2])
    assert x.float().dtype == ag.float32 and x.double().dtype == ag.float64
    assert x.float().tolist() == [1.0, 2.0]


def test_clone_is_a_differentiable_copy() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    c = x.clone()
    assert not np.shares_memory(c._array, x._array) and c.grad_fn is not None
    (c * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_iteration_and_len() -> None:
    rows = list(ag.tensor([[1, 2], [3, 4]]))
    assert [r.tolist() for r in rows] == [[1, 2], [3, 4]]
    with pytest.raises(TypeError, match="0-d"):
        len(ag.tensor(1.0))


# --- repr -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("make, text", [
    (lambda: ag.tensor([1.0, 2.0], requires_grad=True), "tensor([1., 2.], requires_grad=True)"),
    (lambda: ag.tensor([1.0, 2.0], requires_grad=True) * 2,
     "tensor([2., 4.], grad_fn=<MulBackward0>)"),
    (lambda: ag.tensor([1.0, 2.0], requires_grad=True) + 1,
     "tensor([2., 3.], grad_fn=<AddBackward0>)"),
    (lambda: ag.tensor([1, 2]), "tensor([1, 2])"),
    (lambda: ag.tensor([1.0, 2.0], dtype=ag.float64), "tensor([1., 2.], dtype=autograd.float64)"),
    (lambda: ag.tensor([1, 2], dtype=ag.int32), "tensor([1, 2], dtype=autograd.int32)"),
    (lambda: ag.tensor([True, False]), "tensor([ True, False])"),
    (lambda: ag.tensor(3.5), "tensor(3.5000)"),
    (lambda: ag.tensor(3.0), "tensor(3.)"),
    (lambda: ag.tensor([1.5, 2.0]), "tensor([1.5000, 2.0000])"),
    (lambda: ag.tensor([0.12345, -1.0]), "tensor([ 0.1235, -1.0000])"),
    (lambda: ag.tensor([[1.0, 2.0], [3.0, 4.0]]), "tensor([[1., 2.],\n        [3., 4.]])"),
    (lambda: ag.zeros(0), "tensor([])"),
    (lambda: ag.zeros(0, dtype=ag.int64), "tensor([], dtype=autograd.int64)"),
    # PyTorch's formatter: 4-decimal mantissas in scientific mode, no padding for nan/inf/0,
    # size= for empty tensors that are not 1-D, " ..." summaries, 80-column lines.
    (lambda: ag.tensor([1e10, 1.0]), "tensor([1.0000e+10, 1.0000e+00])"),
    (lambda: ag.tensor([1e-5, 0.5]), "tensor([1.0000e-05, 5.0000e-01])"),
    (lambda: ag.tensor([float("nan"), float("inf"), -float("inf")]), "tensor([nan, inf, -inf])"),
    (lambda: ag.tensor([0.0, -0.0]), "tensor([0., -0.])"),
    (lambda: ag.tensor([[True]]), "tensor([[True]])"),
    (lambda: ag.zeros(2, 0), "tensor([], size=(2, 0))"),
    (lambda: ag.arange(2000).reshape(2, 1000),
     "tensor([[   0,    1,    2,  ...,  997,  998,  999],\n"
     "        [1000, 1001, 1002,  ..., 1997, 1998, 1999]])"),
    (lambda: ag.arange(14.0),
     "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.])"),
    (lambda: ag.arange(20.0),
     "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
     "        14., 15., 16., 17., 18., 19.])"),
])
def test_repr_like_pytorch(make, text) -> None:
    assert repr(make()) == text


def test_repr_matches_torch_for_common_tensors() -> None:
    torch = pytest.importorskip("torch")
    for values in ([1.0, 2.0], [1.5, 2.0], [0.12345, -1.0], [[1.0, -2.0], [3.0, 4.5]], 3.5,
                   [1, 2, 3], [True, False], [1e-5, 1.0], [1000.0, 0.0], [123456.7],
                   [float("nan"), 1.5], []):
        ours, theirs = repr(ag.tensor(values)), repr(torch.tensor(values))
        assert ours == theirs, (ours, theirs)


def test_randint_with_high_and_size_only() -> None:
    ag.manual_seed(0)
    r = ag.randint(5, (200,))
    assert r.shape == (200,) and set(r.tolist()) == {0, 1, 2, 3, 4}


def test_repr_of_non_finite_values() -> None:
    assert repr(ag.tensor(float("nan"))) == "tensor(nan)"
    assert repr(ag.tensor([float("nan")])) == "tensor([nan])"
    assert repr(ag.tensor(float("-inf"))) == "tensor(-inf)"


def test_tensor_class_constructor_and_as_tensor() -> None:
    t = ag.Tensor([1.0, 2.0], requires_grad=True)
    assert t.dtype == ag.float32 and t.requires_grad and t.is_leaf
    assert ag.Tensor([1, 2], dtype=ag.float64).dtype == ag.float64
    arr = np.array([1.0, 2.0])
    shared = ag.as_tensor(arr)
    arr[0] = 7.0
    assert shared.tolist() == [7.0, 2.0]
    assert ag.as_tensor(shared) is shared
    assert ag.is_tensor(shared) and not ag.is_tensor(arr)
