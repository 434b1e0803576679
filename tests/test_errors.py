"""Bad input gets a clear exception whose message names the shapes or the reason."""

from __future__ import annotations

import operator

import numpy as np
import pytest

import autograd as ag

# --- shapes --------------------------------------------------------------------------------------

@pytest.mark.parametrize("a_shape, b_shape, pattern", [
    ((2, 3), (2, 3), r"2x3 and 2x3"),
    ((3,), (4,), r"3 and 4"),
    ((2, 3), (4,), r"2x3 and 4"),
    ((5, 2, 3), (4, 2), r"2x3 and 4x2|5x2x3 and 4x2"),
])
def test_matmul_inner_size_mismatch_names_the_shapes(a_shape, b_shape, pattern) -> None:
    with pytest.raises(RuntimeError, match=pattern):
        ag.ones(*a_shape) @ ag.ones(*b_shape)


def test_matmul_batch_mismatch_names_the_shapes() -> None:
    with pytest.raises(RuntimeError, match=r"\(2, 3, 4\).*\(5, 4, 2\)"):
        ag.ones(2, 3, 4) @ ag.ones(5, 4, 2)


def test_matmul_of_a_scalar_is_refused() -> None:
    with pytest.raises(RuntimeError, match="at least 1D"):
        ag.tensor(2.0) @ ag.ones(2)


@pytest.mark.parametrize("op", [operator.add, operator.sub, operator.mul, operator.truediv,
                                operator.pow, operator.lt], ids=lambda f: f.__name__)
def test_broadcasting_mismatch_names_the_shapes(op) -> None:
    with pytest.raises((RuntimeError, ValueError), match=r"\(2,\s?3\).*\(4,\)|3.*4"):
        op(ag.ones(2, 3), ag.ones(4))


@pytest.mark.parametrize("fn", [
    lambda a, b: ag.maximum(a, b), lambda a, b: ag.where(ag.ones(2, 3) > 0, a, b),
])
def test_broadcasting_mismatch_in_functions(fn) -> None:
    with pytest.raises((RuntimeError, ValueError), match=r"shape|size|broadcast"):
        fn(ag.ones(2, 3), ag.ones(4))


def test_reshape_to_a_wrong_size_names_both() -> None:
    with pytest.raises(RuntimeError, match=r"\[4, 2\].*size 6"):
        ag.ones(2, 3).reshape(4, 2)


def test_expand_to_an_incompatible_shape() -> None:
    with pytest.raises(RuntimeError, match=r"\(2, 4\).*\(2, 3\)"):
        ag.ones(2, 3).expand(2, 4)


def test_cat_and_stack_with_mismatched_shapes() -> None:
    with pytest.raises(RuntimeError, match=r"\(2, 3\).*\(2, 4\)"):
        ag.cat([ag.ones(2, 3), ag.ones(2, 4)], dim=0)
    with pytest.raises(RuntimeError, match=r"\(2, 3\).*\(3, 2\)"):
        ag.stack([ag.ones(2, 3), ag.ones(3, 2)])


def test_reduction_over_a_dim_that_does_not_exist() -> None:
    with pytest.raises(IndexError, match=r"range of \[-2, 1\].*got 2"):
        ag.ones(2, 3).sum(2)
    with pytest.raises(RuntimeError, match="multiple times"):
        ag.ones(2, 3).sum((1, -1))


def test_permute_with_wrong_dims() -> None:
    with pytest.raises(RuntimeError, match="permute"):
        ag.ones(2, 3).permute(0)
    with pytest.raises(RuntimeError, match="permutation"):
        ag.ones(2, 3).permute(0, 0)


def test_gather_with_an_index_that_does_not_fit() -> None:
    with pytest.raises(RuntimeError, match=r"\(3, 2\).*\(2, 2\)"):
        ag.ones(2, 2).gather(1, ag.zeros(3, 2, dtype=ag.int64))
    with pytest.raises(RuntimeError, match="integer"):
        ag.ones(2, 2).gather(1, ag.zeros(2, 2))


# --- backward -------------------------------------------------------------------------------------

def test_backward_on_non_scalar_without_gradient() -> None:
    x = ag.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"scalar outputs.*\(2, 3\).*gradient="):
        (x * 2).backward()


def test_backward_on_a_tensor_that_does_not_require_grad() -> None:
    with pytest.raises(RuntimeError, match="does not require grad"):
        ag.ones(1).sum().backward()


def test_backward_gradient_with_the_wrong_shape() -> None:
    x = ag.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"\(3,\).*\(2,\)"):
        (x * 2).backward(ag.ones(3))


# --- construction ---------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [ag.int64, ag.int32, ag.bool])
def test_requires_grad_on_an_integer_tensor(dtype) -> None:
    with pytest.raises(RuntimeError, match="floating point"):
        ag.tensor([1, 2], dtype=dtype, requires_grad=True)
    with pytest.raises(RuntimeError, match="floating point"):
        ag.zeros(2, dtype=dtype).requires_grad_()
    with pytest.raises(RuntimeError, match="floating point"):
        ag.ones(2, dtype=dtype, requires_grad=True)


@pytest.mark.parametrize("data", [[[1, 2], [3]], [1, [2, 3]], [[1.0], [2.0, 3.0]]])
def test_ragged_nested_lists(data) -> None:
    with pytest.raises(ValueError, match="rectangular"):
        ag.tensor(data)


def test_non_numeric_data() -> None:
    with pytest.raises((TypeError, ValueError), match="tensor"):
        ag.tensor(["a", "b"])
    with pytest.raises((TypeError, ValueError), match="tensor"):
        ag.tensor({"a": 1})


@pytest.mark.parametrize("dtype", ["float128x", "complex64", np.complex128, object, 3])
def test_unknown_dtype(dtype) -> None:
    with pytest.raises(TypeError, match="dtype"):
        ag.tensor([1.0], dtype=dtype)
    with pytest.raises(TypeError, match="dtype"):
        ag.zeros(2, dtype=dtype)


def test_unknown_dtype_from_numpy_data() -> None:
    with pytest.raises(TypeError, match="complex128"):
        ag.tensor(np.array([1 + 2j]))


@pytest.mark.parametrize("device", ["tpu", "gpu", "cuda:x", "cpu:1", ""])
def test_unknown_device(device) -> None:
    with pytest.raises(RuntimeError, match="device|cpu"):
        ag.tensor([1.0], device=device)
    with pytest.raises(RuntimeError, match="device|cpu"):
        ag.device(device)


def test_device_of_the_wrong_type() -> None:
    with pytest.raises(TypeError, match="device"):
        ag.zeros(2, device=3.5)


def test_set_default_dtype_refuses_integers() -> None:
    with pytest.raises(TypeError, match="floating"):
        ag.set_default_dtype(ag.int64)


def test_negative_sizes() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        ag.zeros(2, -1)


# --- conversion and in-place ----------------------------------------------------------------------

def test_numpy_on_a_tensor_requiring_grad() -> None:
    x = ag.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"detach\(\)\.numpy\(\)"):
        x.numpy()
    with pytest.raises(RuntimeError, match="requires grad"):
        np.asarray(x)
    assert x.detach().numpy().tolist() == [1.0, 1.0]


def test_item_on_a_tensor_with_several_elements() -> None:
    with pytest.raises(RuntimeError, match="3 elements"):
        ag.ones(3).item()


def test_bool_of_a_tensor_with_several_elements() -> None:
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(ag.ones(3) > 0)


@pytest.mark.parametrize("update", [
    lambda w: w.add_(1.0), lambda w: w.mul_(2.0), lambda w: w.sub_(1.0), lambda w: w.div_(2.0),
    lambda w: w.zero_(), lambda w: w.fill_(3.0), lambda w: w.copy_(ag.ones(2)),
    lambda w: w.clamp_(0, 1), lambda w: w.__setitem__(0, 5.0),
], ids=["add_", "mul_", "sub_", "div_", "zero_", "fill_", "copy_", "clamp_", "setitem"])
def test_in_place_on_a_leaf_requiring_grad(update) -> None:
    w = ag.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf.*in-place.*no_grad"):
        update(w)
    assert w.detach().tolist() == [1.0, 1.0]
    with ag.no_grad():
        update(w)  # allowed: this is how optimizers update parameters


def test_augmented_assignment_on_a_leaf_requiring_grad() -> None:
    w = ag.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="in-place"):
        w += 1


def test_requires_grad_false_on_a_non_leaf() -> None:
    h = ag.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="leaf"):
        h.requires_grad_(False)


def test_list_operand_is_refused() -> None:
    with pytest.raises(TypeError, match="ag.tensor"):
        ag.ones(2) + [1.0, 2.0]


def test_float_index_is_refused() -> None:
    with pytest.raises(IndexError, match="long, int or bool"):
        ag.ones(3)[ag.tensor([0.0, 1.0])]


def _product_with_backward(backward):
    """A user Function a * b whose backward rule is ``backward(ctx, grad)``."""

    class Bad(ag.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * b

    Bad.backward = staticmethod(backward)
    return Bad


def test_custom_function_returning_the_wrong_number_of_gradients() -> None:
    Bad = _product_with_backward(lambda ctx, grad: grad)
    a, b = ag.ones(2, requires_grad=True), ag.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="returned 1 gradients, expected 2"):
        Bad.apply(a, b).sum().backward()


def test_custom_function_returning_a_gradient_of_the_wrong_shape() -> None:
    class Bad(ag.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, grad):
            return ag.ones(5)

    with pytest.raises(RuntimeError, match=r"shape \(5,\).*\(2,\)"):
        Bad.apply(ag.ones(2, requires_grad=True)).sum().backward()


@pytest.mark.parametrize("same_tensor", [False, True])
def test_the_wrong_shape_error_names_the_input(same_tensor: bool) -> None:
    # The engine keeps no input counter in its loop; the error still names the right input,
    # also where one tensor is both inputs and only the second gradient is wrong.
    Bad = _product_with_backward(lambda ctx, grad: (grad, ag.ones(5)))
    a = ag.ones(2, requires_grad=True)
    b = a if same_tensor else ag.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"invalid gradient at index 1: got shape \(5,\)"):
        Bad.apply(a, b).sum().backward()


def test_dims_out_of_range_in_shape_ops() -> None:
    with pytest.raises(IndexError, match="got 5"):
        ag.ones(1, 2).squeeze(5)
    with pytest.raises(IndexError, match="got 5"):
        ag.ones(2, 3).flatten(0, 5)
    with pytest.raises(RuntimeError, match="start_dim cannot come after end_dim"):
        ag.ones(2, 3, 4).flatten(2, 0)
    with pytest.raises(IndexError, match="got 3"):
        ag.cat([ag.ones(2), ag.ones(2)], dim=3)


def test_cat_of_zero_dim_tensors_says_to_stack() -> None:
    with pytest.raises(RuntimeError, match="zero-dimensional.*stack"):
        ag.cat([ag.tensor(1.0), ag.tensor(2.0)])


@pytest.mark.parametrize("cond", [ag.tensor([1, 0]), ag.tensor([1.0, 0.0]), [True, False]],
                         ids=["int", "float", "list"])
def test_where_needs_a_bool_condition(cond) -> None:
    with pytest.raises(RuntimeError, match="boolean"):
        ag.where(cond, ag.ones(2), ag.zeros(2))


def test_stack_dim_out_of_range() -> None:
    with pytest.raises(IndexError, match="got 3"):
        ag.stack([ag.ones(2), ag.ones(2)], dim=3)


@pytest.mark.parametrize("bad", [-1, 2])
def test_gather_index_out_of_bounds_is_refused_not_wrapped(bad: int) -> None:
    with pytest.raises(RuntimeError, match=f"index {bad} is out of bounds for dimension 1 "
                                           "with size 2"):
        ag.ones(2, 2).gather(1, ag.tensor([[bad, 0], [0, 0]]))


# --- PyTorch's exception types (found by tests/test_torch_parity.py) ----------------------------

@pytest.mark.parametrize("make", [
    lambda: ag.ones(2, 3) + ag.ones(4),
    lambda: ag.ones(2, 3, requires_grad=True) * ag.ones(3, 2),
    lambda: ag.where(ag.ones(2) > 0, ag.ones(3), 0.0),
])
def test_shapes_that_do_not_broadcast_raise_runtime_error(make) -> None:
    with pytest.raises(RuntimeError, match=r"must match the size of tensor b .* cannot be "
                                           r"broadcast together"):
        make()


def test_linear_with_a_wrong_bias_names_the_bias() -> None:
    import nn.functional as F

    with pytest.raises(RuntimeError, match=r"bias of shape \(3,\).*output shape \(4, 2\)"):
        F.linear(ag.ones(4, 3), ag.ones(2, 3), ag.ones(3))


@pytest.mark.parametrize("x, message", [
    (ag.ones(4, 3), r"\(4x3 and 2x2\): linear layer with in_features=2 got input of shape "
                    r"\(4, 3\)"),
    (ag.ones(3), r"\(3 and 2x2\)"),
    (ag.ones(5, 4, 3), r"\(4x3 and 2x2\).*input of shape \(5, 4, 3\)"),
    (ag.tensor(1.0), r"at least 1D, but the input is 0D"),
])
def test_linear_with_the_wrong_input_width_names_both_shapes(x, message) -> None:
    import nn.functional as F

    with pytest.raises(RuntimeError, match=message):
        F.linear(x, ag.ones(2, 2), ag.ones(2))


@pytest.mark.parametrize("index", [slice(None, None, -1), slice(2, 0, -1), slice(None, None, 0)])
def test_negative_or_zero_slice_steps_are_refused(index) -> None:
    with pytest.raises(ValueError, match="step must be greater than zero"):
        ag.arange(3.0)[index]


@pytest.mark.parametrize("make", [
    lambda: ag.tensor([1]) - ag.tensor([True]),
    lambda: ag.tensor([True]) - 1,
    lambda: 1.5 - ag.tensor([True]),
    lambda: ag.ones(2) - True,
])
def test_subtraction_with_bools_is_refused(make) -> None:
    with pytest.raises(RuntimeError, match="`~` or `logical_not\\(\\)`"):
        make()


def test_negating_a_bool_tensor_is_refused() -> None:
    with pytest.raises(RuntimeError, match="Negation.*logical_not"):
        -ag.tensor([True, False])


def test_integers_to_negative_integer_powers_raise_runtime_error() -> None:
    with pytest.raises(RuntimeError, match="negative integer powers"):
        ag.tensor([2, 3]) ** -1


def test_cat_of_nothing_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="non-empty list"):
        ag.cat([])


@pytest.mark.parametrize("update", [
    lambda x: x.__iadd__(1.5),
    lambda x: x.mul_(ag.tensor([1.5, 2.5])),
    lambda x: x.__itruediv__(2),
])
def test_in_place_updates_that_cannot_keep_the_dtype_raise_runtime_error(update) -> None:
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type int64"):
        update(ag.tensor([1, 2]))


def test_in_place_update_that_would_grow_the_tensor_names_both_shapes() -> None:
    with pytest.raises(RuntimeError, match=r"output with shape \[2\] doesn't match the "
                                           r"broadcast shape \[2, 2\]"):
        ag.zeros(2).add_(ag.ones(2, 1))


def test_in_place_bool_subtraction_and_fill_with_a_vector_are_refused() -> None:
    with pytest.raises(RuntimeError, match="logical_not"):
        ag.tensor([1.0, 2.0]).sub_(True)
    with pytest.raises(RuntimeError, match="0-dimension value tensor"):
        ag.zeros(2).fill_(ag.tensor([1.0, 2.0]))
    assert ag.zeros(2).fill_(ag.tensor(3.0)).tolist() == [3.0, 3.0]
