"""dtypes and PyTorch's type promotion (not numpy's)."""

from __future__ import annotations

import itertools
import operator

import numpy as np
import pytest

import autograd as ag
from autograd import dtypes


def make(kind: str):
    """An operand by name: 'f32' (1-D tensor), 'f64_0d' (0-dim tensor), 'py_float', ..."""
    scalars = {"py_float": 2.5, "py_int": 2, "py_bool": True}
    if kind in scalars:
        return scalars[kind]
    name, _, zero = kind.partition("_")
    dtype = {"f32": ag.float32, "f64": ag.float64, "f16": ag.float16, "i64": ag.int64,
             "i32": ag.int32, "i8": ag.int8, "u8": ag.uint8, "b": ag.bool}[name]
    values = [1, 0] if dtype == ag.bool else [1, 2]
    t = ag.tensor(values, dtype=dtype)
    return t[0] if zero == "0d" else t


# (left, right, result) as PyTorch defines it.
PROMOTION = [
    ("i64", "py_float", ag.float32),   # int tensor * 2.5 -> default float
    ("f32", "f64_0d", ag.float32),     # a 0-dim tensor does not widen a dimensioned one
    ("f32", "f64", ag.float64),
    ("f32", "py_float", ag.float32),
    ("f64", "py_float", ag.float64),
    ("f16", "py_float", ag.float16),
    ("i32", "py_int", ag.int32),
    ("i32", "i64_0d", ag.int32),
    ("i32", "f64_0d", ag.float64),     # a 0-dim float does win over an int tensor
    ("i32", "i64", ag.int64),
    ("u8", "i8", ag.int16),
    ("b", "i64", ag.int64),            # bool + int
    ("b", "py_int", ag.int64),
    ("b", "py_bool", ag.bool),
    ("b", "py_float", ag.float32),
    ("b", "f64", ag.float64),
    ("i64", "f32", ag.float32),
    ("i64", "f16_0d", ag.float16),
    ("u8", "py_int", ag.uint8),
]


@pytest.mark.parametrize("left, right, expected", PROMOTION)
def test_promotion_as_pytorch(left: str, right: str, expected) -> None:
    a, b = make(left), make(right)
    assert (a + b).dtype == expected
    assert (b + a).dtype == expected  # symmetric
    assert (a * b).dtype == expected


@pytest.mark.parametrize("left, right", [("i64", "i64"), ("i32", "py_int"), ("b", "b"),
                                         ("i64", "i32_0d")])
def test_true_division_of_integers_gives_the_default_float(left: str, right: str) -> None:
    assert (make(left) / make(right)).dtype == ag.float32
    ag.set_default_dtype(ag.float64)
    assert (make(left) / make(right)).dtype == ag.float64


def test_comparison_results_are_bool() -> None:
    assert (make("i64") < make("py_float")).dtype == ag.bool
    assert (make("f32") == make("f64")).dtype == ag.bool


KINDS = ["f32", "f64", "f16", "i64", "i32", "u8", "b", "f64_0d", "i64_0d", "f32_0d",
         "py_float", "py_int", "py_bool"]


@pytest.mark.parametrize("left, right", [
    (l, r) for l, r in itertools.product(KINDS, KINDS)
    if not (l.startswith("py") and r.startswith("py"))
])
def test_promotion_matches_torch(left: str, right: str) -> None:
    torch = pytest.importorskip("torch")

    def as_torch(x):
        return torch.from_numpy(np.array(x.numpy())) if isinstance(x, ag.Tensor) else x

    a, b = make(left), make(right)
    for op in (operator.add, operator.mul, operator.truediv, operator.lt):
        ours, theirs = op(a, b), op(as_torch(a), as_torch(b))
        assert str(ours.dtype).split(".")[1] == str(theirs.dtype).split(".")[1], (left, op, right)


# --- the DType objects ---------------------------------------------------------------------------

def test_dtype_objects_print_and_compare_like_pytorch() -> None:
    assert repr(ag.float32) == "autograd.float32"
    assert ag.float32 == np.float32 and ag.float32 != ag.float64
    assert ag.float == ag.float32 and ag.double == ag.float64 and ag.long == ag.int64
    assert ag.float32.is_floating_point and not ag.int64.is_floating_point
    assert ag.float64.itemsize == 8
    assert len({ag.float32, ag.float32, ag.float64}) == 2


def test_tensor_dtypes_map_back_to_dtype_objects() -> None:
    for d in (ag.float16, ag.float32, ag.float64, ag.int8, ag.int16, ag.int32, ag.int64,
              ag.uint8, ag.bool):
        assert ag.zeros(2, dtype=d).dtype is d


def test_default_dtype_round_trip() -> None:
    assert ag.get_default_dtype() == ag.float32
    ag.set_default_dtype(ag.float64)
    assert ag.get_default_dtype() == ag.float64
    assert ag.tensor([1.5]).dtype == ag.float64
    assert ag.ones(2).dtype == ag.float64
    assert ag.rand(2).dtype == ag.float64
    assert (ag.tensor([1]) * 0.5).dtype == ag.float64
    assert ag.tensor([1]).dtype == ag.int64  # integers are not affected
    ag.set_default_dtype(ag.float32)
    assert ag.tensor([1.5]).dtype == ag.float32


def test_to_numpy_dtype_accepts_python_types_and_numpy() -> None:
    assert dtypes.to_numpy_dtype(float) == np.float32
    assert dtypes.to_numpy_dtype(np.float64) == np.float64
    assert dtypes.to_numpy_dtype("int32") == np.int32


def test_cast_methods_and_gradients_through_casts() -> None:
    x = ag.tensor([1.5, 2.5], requires_grad=True)
    y = x.double()
    assert y.dtype == ag.float64 and y.grad_fn is not None
    (y * y).sum().backward()
    assert x.grad.dtype == ag.float32 and x.grad.tolist() == [3.0, 5.0]
    assert x.detach().long().tolist() == [1, 2] and x.detach().long().dtype == ag.int64
    assert x.to(ag.float16).dtype == ag.float16
    assert x.float() is x  # already float32: no copy, as in PyTorch
    assert ag.tensor([0, 2]).bool().tolist() == [False, True]
    assert ag.tensor([1, 2]).type_as(x).dtype == ag.float32


def test_mixed_float_operands_send_gradients_back_in_each_dtype() -> None:
    a = ag.tensor([1.0, 2.0], dtype=ag.float32, requires_grad=True)
    b = ag.tensor([3.0, 4.0], dtype=ag.float64, requires_grad=True)
    out = a * b
    assert out.dtype == ag.float64
    out.sum().backward()
    assert a.grad.dtype == ag.float32 and b.grad.dtype == ag.float64
    assert a.grad.tolist() == [3.0, 4.0] and b.grad.tolist() == [1.0, 2.0]


def test_int_tensor_times_float_tensor_requiring_grad() -> None:
    w = ag.tensor([0.5, 1.5], requires_grad=True)
    out = ag.tensor([2, 3]) * w
    assert out.dtype == ag.float32
    out.sum().backward()
    assert w.grad.tolist() == [2.0, 3.0]


def test_where_with_two_python_floats_gives_the_default_float() -> None:
    out = ag.where(ag.tensor([True, False]), 1.0, 0.0)
    assert out.dtype == ag.float32 and out.tolist() == [1.0, 0.0]


@pytest.mark.parametrize("fn", [ag.exp, ag.log, ag.sqrt, ag.sin, ag.cos, ag.tanh, ag.sigmoid,
                                lambda x: x.softmax(0), lambda x: x.log_softmax(0),
                                lambda x: x.logsumexp(0)],
                         ids=["exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "softmax",
                              "log_softmax", "logsumexp"])
def test_float_functions_of_integer_tensors_give_the_default_float(fn) -> None:
    out = fn(ag.tensor([1, 2]))
    assert out.dtype == ag.float32
    np.testing.assert_allclose(out.numpy(), fn(ag.tensor([1.0, 2.0])).numpy())


def test_clamp_of_an_int_tensor_with_float_bounds_gives_the_default_float() -> None:
    assert ag.tensor([1, 5]).clamp(0, 3).dtype == ag.int64
    out = ag.tensor([1, 5]).clamp(0, 2.5)
    assert out.dtype == ag.float32 and out.tolist() == [1.0, 2.5]


def test_lists_of_numpy_scalars_arrays_and_tensors_keep_their_dtype() -> None:
    assert ag.tensor([np.float64(1.0), np.float64(2.0)]).dtype == ag.float64
    assert ag.tensor([np.array([1.0]), np.array([2.0])]).dtype == ag.float64
    assert ag.tensor([ag.tensor(1.0, dtype=ag.float64)]).dtype == ag.float64
    assert ag.tensor([np.int32(1)]).dtype == ag.int32
    assert ag.tensor([1.0, np.float64(2.0)]).dtype == ag.float64
    assert ag.tensor([[1.0], [2.5]]).dtype == ag.float32


def test_a_gradient_of_another_dtype_is_cast_to_the_output_dtype() -> None:
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    a.backward(ag.tensor([1.0, 1.0], dtype=ag.float64))
    assert a.grad.dtype == ag.float32
    b = ag.tensor([1.0, 2.0], requires_grad=True)
    (b * 2).backward(ag.tensor([1, 1]))
    assert b.grad.dtype == ag.float32 and b.grad.tolist() == [2.0, 2.0]


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("value", [0, 1, 0.5, 0.1, 2.0 / 3, -1e-3, 1e30])
def test_scalar_like_gives_the_bits_of_the_python_number(dtype, value) -> None:
    # The engine's ops and SGD use scalar_like for speed: results must not change by a bit.
    rng = np.random.default_rng(0)
    x = rng.standard_normal(7).astype(dtype)
    operand = dtypes.scalar_like(value, x)
    assert isinstance(operand, np.ndarray) and operand.shape == () and operand.dtype == dtype
    with np.errstate(over="ignore"):
        for op in (operator.mul, operator.sub, operator.add, np.logaddexp):
            expected, got = op(x, value), op(x, operand)
            assert got.dtype == expected.dtype == dtype
            np.testing.assert_array_equal(got, expected)
            np.testing.assert_array_equal(op(operand, x), op(value, x))


def test_scalar_like_keeps_the_number_where_an_array_would_be_wrong() -> None:
    ints = np.arange(3)
    assert dtypes.scalar_like(0.5, ints) == 0.5 and type(dtypes.scalar_like(0.5, ints)) is float
    np.testing.assert_array_equal(ints * dtypes.scalar_like(0.5, ints), [0, 0.5, 1])  # promoted
    t = ag.ones(2)  # a Tensor (a rule under create_graph): the number, to stay on the graph
    assert dtypes.scalar_like(2.0, t) == 2.0 and type(dtypes.scalar_like(2.0, t)) is float


def test_scalar_like_arrays_are_shared_read_only_and_bounded() -> None:
    x = np.ones(2, np.float32)
    a = dtypes.scalar_like(0.25, x)
    assert a is dtypes.scalar_like(0.25, x)  # cached
    with pytest.raises(ValueError, match="read-only"):
        a += 1
    for k in range(1000):  # a learning-rate schedule: ever-new numbers
        dtypes.scalar_like(1.0 + k / 1000, x)
    assert len(dtypes._SCALARS[np.dtype(np.float32)]) <= 257
    assert dtypes.scalar_like(0.25, x) == np.float32(0.25)
