"""Named regression tests for the classic bugs of reverse-mode engines."""

from __future__ import annotations

import gc
import math
import weakref
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from autograd.engine import topological_order, unbroadcast
from autograd.function import FREED


def leaf(values, dtype=ag.float64):
    return ag.tensor(values, dtype=dtype, requires_grad=True)


# --- a node used more than once ----------------------------------------------------------------

def test_node_used_twice_in_add_gets_both_gradients() -> None:
    a = leaf([3.0])
    b = a + a
    b.backward(ag.ones_like(b))
    assert a.grad.tolist() == [2.0]


def test_node_used_twice_in_mul_gets_product_rule() -> None:
    a = leaf([3.0, -2.0])
    (a * a).sum().backward()
    assert a.grad.tolist() == [6.0, -4.0]


def test_intermediate_used_by_two_paths_sums_them() -> None:
    """A diamond: x -> h -> (h*2, h*h) -> sum. dL/dh = 2 + 2h."""
    x = leaf([1.0, 2.0])
    h = x * 3
    (h * 2 + h * h).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 3 * (2 + 2 * np.array([3.0, 6.0])))


def test_gradient_order_is_topological_even_when_created_out_of_order() -> None:
    """A node is processed only after every consumer has sent it its gradient."""
    x = leaf([2.0])
    a = x * 1.0
    b = a * a              # uses a
    c = a + b              # uses a again, later
    d = c * b              # uses b twice via c and directly
    d.backward(ag.ones_like(d))
    # d = (a + a^2) a^2 = a^3 + a^4, dd/da = 3a^2 + 4a^3 = 12 + 32
    assert x.grad.tolist() == [44.0]


# --- depth ---------------------------------------------------------------------------------------

def test_deep_chain_of_100000_ops_goes_backward_without_recursion() -> None:
    x = leaf(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.00001
    y.backward()
    np.testing.assert_allclose(x.grad.item(), 1.00001**100_000, rtol=1e-9)


def test_topological_order_puts_consumers_first() -> None:
    x = leaf([1.0])
    a = x.exp()
    b = a * 2
    c = b + a
    order = topological_order([c.grad_fn])
    names = [n.name() for n in order]
    assert names == ["AddBackward0", "MulBackward0", "ExpBackward0"]


# --- broadcasting ---------------------------------------------------------------------------------

@pytest.mark.parametrize("a_shape, b_shape", [
    ((3, 1), (4,)), ((1,), (2, 3)), ((), (2, 3)), ((2, 1, 3), (4, 1)), ((5, 1, 1), (1, 2, 1)),
])
def test_gradient_has_the_shape_of_its_broadcast_input(a_shape, b_shape) -> None:
    a = leaf(np.ones(a_shape))
    b = leaf(np.ones(b_shape))
    out = a * b
    out.sum().backward()
    assert a.grad.shape == a_shape and b.grad.shape == b_shape
    # each element of a meets (out.size / a.size) elements of b, all ones
    np.testing.assert_array_equal(a.grad.numpy(), np.full(a_shape, out.numel() / a.numel()))
    np.testing.assert_array_equal(b.grad.numpy(), np.full(b_shape, out.numel() / b.numel()))


def test_unbroadcast_sums_added_and_stretched_axes() -> None:
    g = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(unbroadcast(g, (3, 1)), g.sum(axis=(0, 2))[:, None])
    np.testing.assert_array_equal(unbroadcast(g, ()), g.sum())
    assert unbroadcast(g, (2, 3, 4)) is g


# --- accumulation ---------------------------------------------------------------------------------

def test_gradients_accumulate_over_two_backward_calls() -> None:
    x = leaf([1.0, 2.0])
    (x * x).sum().backward()
    (x * 3).sum().backward()
    assert x.grad.tolist() == [2.0 + 3.0, 4.0 + 3.0]


def test_accumulation_does_not_write_into_an_earlier_grad_tensor() -> None:
    x = leaf([1.0, 2.0])
    (x * 2).sum().backward()
    first = x.grad
    (x * 2).sum().backward()
    assert first.tolist() == [2.0, 2.0] and x.grad.tolist() == [4.0, 4.0]


def test_zeroing_grad_with_none_restarts_accumulation() -> None:
    x = leaf([1.0])
    (x * 5).sum().backward()
    x.grad = None
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0]


# --- aliasing of .grad arrays ---------------------------------------------------------------------

def test_leaf_grads_of_a_sum_are_different_arrays() -> None:
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (a + b).sum().backward()
    assert a.grad is not b.grad
    assert not np.shares_memory(a.grad._array, b.grad._array)
    a.grad.zero_()
    assert b.grad.tolist() == [1.0, 1.0]


def test_leaf_grad_does_not_alias_the_gradient_passed_in() -> None:
    a = leaf([1.0, 2.0])
    g = ag.tensor([5.0, 6.0], dtype=ag.float64)
    (a + 0).backward(g)
    assert not np.shares_memory(a.grad._array, g._array)
    a.grad.zero_()
    assert g.tolist() == [5.0, 6.0]
    # a leaf's own backward: its grad is a copy of the gradient too
    a.grad = None
    a.backward(g)
    a.grad.zero_()
    assert g.tolist() == [5.0, 6.0]


def test_leaf_grad_does_not_alias_a_retained_intermediate_grad() -> None:
    a = leaf([1.0, 2.0])
    h = a + 0
    h.retain_grad()
    (h * 1).sum().backward()
    assert not np.shares_memory(a.grad._array, h.grad._array)
    h.grad.zero_()
    assert a.grad.tolist() == [1.0, 1.0]


def test_leaf_grads_from_a_reshape_are_not_views_of_each_other() -> None:
    a, b = leaf([[1.0, 2.0]]), leaf([1.0, 2.0])
    (a.reshape(2) + b).sum().backward()
    a.grad.zero_()
    assert b.grad.tolist() == [1.0, 1.0]


# --- no_grad --------------------------------------------------------------------------------------

def test_no_grad_builds_no_graph() -> None:
    x = leaf([1.0, 2.0])
    with ag.no_grad():
        y = (x * 2).exp().sum()
    assert y.grad_fn is None and not y.requires_grad and y.is_leaf
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


def test_detach_cuts_the_graph() -> None:
    x = leaf([2.0])
    y = x * x.detach()  # gradient flows only through the first factor
    y.backward(ag.ones_like(y))
    assert x.grad.tolist() == [2.0]


def test_ops_on_tensors_without_grad_record_nothing() -> None:
    a = ag.tensor([1.0])
    assert (a * 2).grad_fn is None
    b = leaf([1.0])
    assert (a * b).grad_fn is not None and (a * b).requires_grad


# --- retain_graph ---------------------------------------------------------------------------------

def test_second_backward_through_freed_graph_says_to_retain_graph() -> None:
    x = leaf([1.0, 2.0])
    y = (x.exp() * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward() -> None:
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0]


def test_saved_arrays_are_freed_after_backward() -> None:
    x = leaf([1.0, 2.0])
    h = x.tanh()
    y = (h * x).sum()
    nodes = topological_order([y.grad_fn])
    assert any(n.saved_tensors for n in nodes)
    y.backward()
    for n in nodes:
        assert not n.saved_tensors  # FREED (released) or () (never saved anything)
    assert (h.grad_fn.saved_tensors is FREED)
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        (saved,) = h.grad_fn.saved_tensors  # as PyTorch: reading freed values raises


def test_saved_arrays_survive_with_retain_graph() -> None:
    x = leaf([1.0, 2.0])
    h = x.tanh()
    h.sum().backward(retain_graph=True)
    assert h.grad_fn.saved_tensors is not FREED and len(h.grad_fn.saved_tensors) == 1


def test_graph_is_collected_once_the_output_is_gone() -> None:
    x = leaf([1.0])
    y = x.exp() * 2
    ref = weakref.ref(y.grad_fn.edges[0])
    del y
    gc.collect()
    assert ref() is None


# --- retain_grad ----------------------------------------------------------------------------------

def test_retain_grad_keeps_intermediate_gradients() -> None:
    """The lecture's deltas: dL/da for each neuron's input a = b + sum_i y_i w_i."""
    y_in = ag.tensor([[1.0, 2.0]], dtype=ag.float64)
    w = leaf([[0.5], [-1.0]])
    b = leaf([0.25])
    a = y_in @ w + b
    a.retain_grad()
    out = a.tanh()
    out.retain_grad()
    loss = (out * out).sum()
    hidden = a * 1  # an intermediate that did not ask for its gradient
    loss.backward()
    t = math.tanh(1.0 * 0.5 + 2.0 * -1.0 + 0.25)
    np.testing.assert_allclose(out.grad.numpy(), [[2 * t]])
    np.testing.assert_allclose(a.grad.numpy(), [[2 * t * (1 - t * t)]])
    assert hidden.grad is None and a.retains_grad and not hidden.retains_grad


def test_retain_grad_accumulates_like_a_leaf() -> None:
    x = leaf([1.0])
    h = x * 2
    h.retain_grad()
    (h * 3).sum().backward(retain_graph=True)
    assert h.grad.tolist() == [3.0]


@pytest.mark.parametrize("dtype", [ag.float32, ag.float64])
def test_each_backward_starts_from_a_seed_of_its_own(dtype) -> None:
    """The ones a scalar loss's backward starts from (copied from a shared float32 one): a
    loss that kept its gradient may change it in place without changing the next seed."""
    x = ag.tensor([1.0, 2.0], dtype=dtype, requires_grad=True)
    for _ in range(2):
        x.grad = None
        loss = (x * x).sum()
        loss.retain_grad()
        loss.backward()
        assert loss.grad.tolist() == 1.0 and loss.grad.dtype == dtype
        assert x.grad.tolist() == [2.0, 4.0]
        loss.grad._array += 41  # writable, and the next backward must not see it
        assert loss.grad.tolist() == 42.0


def test_retain_grad_needs_requires_grad() -> None:
    with pytest.raises(RuntimeError, match="requires_grad=False"):
        ag.tensor([1.0]).retain_grad()


# --- backward(gradient=) --------------------------------------------------------------------------

def test_backward_with_gradient_for_non_scalar_output() -> None:
    x = leaf([1.0, 2.0, 3.0])
    y = x * x
    y.backward(gradient=ag.tensor([1.0, 0.5, 0.0], dtype=ag.float64))
    assert x.grad.tolist() == [2.0, 2.0, 0.0]


def test_backward_gradient_of_the_wrong_shape_is_refused() -> None:
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"\(3,\).*\(2,\)"):
        (x * 2).backward(ag.ones(3))


def test_backward_on_a_one_element_tensor_needs_no_gradient() -> None:
    x = leaf([[2.0]])
    (x * x).backward()
    assert x.grad.tolist() == [[4.0]]


def test_float32_gradient_for_float64_output_is_cast() -> None:
    x = leaf([1.0, 2.0])
    (x * 3).backward(ag.ones(2))
    assert x.grad.dtype == ag.float64 and x.grad.tolist() == [3.0, 3.0]


# --- ag.grad --------------------------------------------------------------------------------------

def test_grad_returns_gradients_and_leaves_dot_grad_alone() -> None:
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (gx, gw) = ag.grad((x * w).sum(), [x, w])
    assert gx.tolist() == [3.0, 4.0] and gw.tolist() == [1.0, 2.0]
    assert x.grad is None and w.grad is None


def test_grad_with_grad_outputs() -> None:
    x = leaf([1.0, 2.0])
    (g,) = ag.grad(x * x, x, grad_outputs=ag.tensor([1.0, -1.0], dtype=ag.float64))
    assert g.tolist() == [2.0, -4.0]


def test_grad_of_several_outputs_sums_them() -> None:
    x = leaf([1.0, 2.0])
    (g,) = ag.grad([x.sum(), (x * x).sum()], [x])
    assert g.tolist() == [3.0, 5.0]


def test_grad_with_respect_to_an_intermediate() -> None:
    x = leaf([1.0, 2.0])
    h = x * 2
    (g,) = ag.grad((h * h).sum(), h)
    assert g.tolist() == [4.0, 8.0]


def test_grad_allow_unused() -> None:
    x, unused = leaf([1.0]), leaf([1.0])
    y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        ag.grad(y, [x, unused], retain_graph=True)
    gx, gu = ag.grad(y, [x, unused], allow_unused=True)
    assert gx.tolist() == [2.0] and gu is None


def test_grad_create_graph_gives_a_differentiable_result() -> None:
    x = leaf([2.0])
    (g,) = ag.grad((x**3).sum(), x, create_graph=True)
    assert g.requires_grad and g.grad_fn is not None
    assert g.tolist() == [12.0]
    (gg,) = ag.grad(g.sum(), x)
    assert gg.tolist() == [12.0]  # d2/dx2 x^3 = 6x


def test_grad_without_retain_graph_frees_the_graph() -> None:
    x = leaf([1.0])
    y = (x.exp()).sum()
    ag.grad(y, x)
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        ag.grad(y, x)


def test_grad_inputs_must_require_grad() -> None:
    x = leaf([1.0])
    with pytest.raises(RuntimeError, match="does not require grad"):
        ag.grad((x * 2).sum(), ag.tensor([1.0]))


# --- in-place updates in the graph ----------------------------------------------------------------

def test_inplace_on_non_leaf_refuses_a_saved_old_value_as_pytorch() -> None:
    x = leaf([1.0, 2.0])
    h = x * 3
    saved_user = h * h  # saves h's old values
    h += 1
    h[0] = 10.0
    assert h.tolist() == [10.0, 7.0]
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        (saved_user.sum() + h.sum()).backward()


def test_inplace_on_non_leaf_keeps_gradients_right() -> None:
    x = leaf([1.0, 2.0])
    h = x * 3
    h += 1
    h[0] = 10.0
    (h * h).sum().backward()
    # h = [10, 3 x1 + 1]: d/dx sum(h^2) = [0 (overwritten), 2 * 7 * 3]
    assert x.grad.tolist() == [0.0, 42.0]


def test_parameter_update_under_no_grad_writes_in_place() -> None:
    w = leaf([1.0, 2.0])
    data = w._array
    (w * w).sum().backward()
    with ag.no_grad():
        w -= 0.1 * w.grad
        w.grad.zero_()
    assert w._array is data and w.is_leaf and w.requires_grad
    np.testing.assert_allclose(w.numpy() if not w.requires_grad else w.detach().numpy(),
                               [0.8, 1.6])
    assert w.grad.tolist() == [0.0, 0.0]


# --- a small training step end to end -------------------------------------------------------------

def test_linear_regression_gradients_match_the_formula() -> None:
    """L = mean((X w + b - t)^2): dL/dw = 2/N X^T r, dL/db = 2/N sum r."""
    rng = np.random.default_rng(0)
    X, t = rng.standard_normal((8, 3)), rng.standard_normal((8,))
    w, b = leaf(rng.standard_normal(3)), leaf(0.5)
    loss = ((ag.tensor(X) @ w + b - ag.tensor(t)) ** 2).mean()
    loss.backward()
    r = X @ w.detach().numpy() + 0.5 - t
    np.testing.assert_allclose(w.grad.numpy(), 2 / 8 * X.T @ r, rtol=1e-12)
    np.testing.assert_allclose(b.grad.item(), 2 / 8 * r.sum(), rtol=1e-12)
    assert b.grad.shape == ()


@pytest.mark.parametrize("update", [
    lambda h: h.fill_(2.0), lambda h: h.zero_(), lambda h: h.copy_(ag.tensor([2.0, 2.0])),
], ids=["fill_", "zero_", "copy_"])
def test_overwriting_a_non_leaf_forgets_its_old_values_even_inf(update) -> None:
    """log(0) = -inf must not leave a nan behind (-inf * 0) when every element is replaced."""
    x = leaf([0.0, 1.0])
    with np.errstate(divide="ignore"):
        h = x.log()
    update(h)
    assert np.isfinite(h.detach().numpy()).all()
    with np.errstate(invalid="ignore"):
        h.sum().backward()
    # log's backward sees a zero gradient: 0 / x, which is 0 at x = 1 (and 0/0 at 0, as in PyTorch)
    assert x.grad.tolist()[1] == 0.0


def test_copy_of_a_tensor_requiring_grad_into_a_plain_tensor_is_recorded() -> None:
    w = leaf([1.0, 2.0])
    buffer = ag.zeros(2, dtype=ag.float64)
    buffer.copy_(w * 3)
    assert buffer.requires_grad and not buffer.is_leaf
    (buffer * buffer).sum().backward()
    assert w.grad.tolist() == [18.0, 36.0]


def test_fill_with_a_zero_dim_tensor_sends_back_the_summed_gradient() -> None:
    s = leaf(3.0)  # PyTorch's fill_ takes a 0-d value tensor only
    z = ag.zeros(4, dtype=ag.float64)
    z.fill_(s)
    (z * ag.tensor([1.0, 2.0, 3.0, 4.0], dtype=ag.float64)).sum().backward()
    assert z.tolist() == [3.0] * 4 and s.grad.tolist() == 10.0


def test_add_in_place_of_a_tensor_requiring_grad() -> None:
    w = leaf([1.0, 2.0])
    acc = ag.zeros(2, dtype=ag.float64)
    acc += w * w
    acc.add_(w, alpha=2.0)
    acc.sum().backward()
    assert w.grad.tolist() == [4.0, 6.0]


def test_retained_grad_accumulates_over_backward_calls_as_in_pytorch() -> None:
    x = leaf([1.0])
    h = x * 2
    h.retain_grad()
    y = h * 3
    y.backward(ag.ones(1), retain_graph=True)
    first = h.grad
    y.backward(ag.ones(1))
    assert h.grad.tolist() == [6.0] and first.tolist() == [3.0]
    assert x.grad.tolist() == [12.0]


@pytest.mark.parametrize("make", [
    lambda x: x * 2,                       # its gradient is a broadcast (read-only) view
    lambda x: (x * 2).sum(),               # a 0-d intermediate
], ids=["broadcast-view", "0-d"])
def test_retained_grad_is_a_writable_array_of_its_own(make) -> None:
    x = leaf([1.0, 2.0, 3.0])
    h = make(x)
    h.retain_grad()
    (h.sum() * 1.5).backward()
    assert isinstance(h.grad._array, np.ndarray) and h.grad._array.flags.writeable
    assert not np.shares_memory(h.grad._array, x.grad._array)
    h.grad.zero_()
    assert (h.grad.numpy() == 0).all() and x.grad.tolist() == [3.0, 3.0, 3.0]


def test_grad_results_are_writable_arrays_of_their_own() -> None:
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    ga, gb = ag.grad((a + b).sum(), [a, b])  # one gradient array flows to both
    assert not np.shares_memory(ga._array, gb._array)
    ga.zero_()  # would fail on a read-only broadcast view
    assert gb.tolist() == [1.0, 1.0]
    s = leaf(2.0)
    (gs,) = ag.grad(s * s, s)
    assert isinstance(gs._array, np.ndarray) and gs.shape == () and gs.item() == 4.0


# --- random graphs: sharing, fan-out, broadcasting, in any order -------------------------------

UNARY_STEPS = {
    "tanh": lambda lib, a: lib.tanh(a),
    "sigmoid": lambda lib, a: lib.sigmoid(a),
    "sin": lambda lib, a: lib.sin(a),
    "half_square": lambda lib, a: a * a * 0.5,
    "neg": lambda lib, a: -a,
    "center": lambda lib, a: a - a.mean(-1, keepdim=True),
    "softmax": lambda lib, a: lib.softmax(a, -1),
    "row_sum": lambda lib, a: a.sum(0),
}
BINARY_STEPS = {
    "add": lambda lib, a, b: a + b,
    "sub": lambda lib, a, b: a - b,
    "mul": lambda lib, a, b: a * b,
    "max": lambda lib, a, b: lib.maximum(a, b),
    "where": lambda lib, a, b: lib.where(a > b, a * 2, b),
}
LEAF_SHAPES = [(2, 3), (3,), (2, 1), ()]


def _run_program(lib, leaves: list, program: list) -> Any:
    values = list(leaves)
    for name, i, j in program:
        a, b = values[i % len(values)], values[j % len(values)]
        if name in UNARY_STEPS:
            values.append(UNARY_STEPS[name](lib, a))
        else:
            values.append(BINARY_STEPS[name](lib, a, b))
    # every value reaches the output, most of them along several paths
    return sum((v * (k + 1)).sum() for k, v in enumerate(values[len(leaves):]))


programs = st.lists(
    st.tuples(st.sampled_from(sorted(UNARY_STEPS) + sorted(BINARY_STEPS)),
              st.integers(0, 20), st.integers(0, 20)),
    min_size=1, max_size=12,
)


@given(program=programs, seed=st.integers(0, 2**16))
def test_random_graphs_match_finite_differences(program, seed) -> None:
    rng = np.random.default_rng(seed)
    leaves = [leaf(rng.uniform(-1.5, 1.5, s)) for s in LEAF_SHAPES]
    assert ag.gradcheck(lambda *ls: _run_program(ag, list(ls), program), leaves)


@given(program=programs, seed=st.integers(0, 2**16))
def test_random_graphs_match_torch(program, seed) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    arrays = [rng.uniform(-1.5, 1.5, s) for s in LEAF_SHAPES]
    ours = [leaf(a) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, ref = _run_program(ag, ours, program), _run_program(torch, theirs, program)
    np.testing.assert_allclose(out.item(), ref.item(), rtol=1e-12, atol=1e-12)
    out.backward()
    ref.backward()
    for x, t in zip(ours, theirs, strict=True):
        expected = np.zeros(x.shape) if t.grad is None else t.grad.numpy()
        got = np.zeros(x.shape) if x.grad is None else x.grad.numpy()
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


def test_node_shapes_stay_int_tuples_and_needs_input_grad_bool_tuples() -> None:
    """(True,) == (1,) in Python: node metadata must not be mixed up between the two."""
    for values in ([1.0], [[1.0]], np.zeros((0,)), np.zeros((1, 0))):
        x = leaf(values)
        for y in (x.exp(), x * 2, x + x):
            node = y.grad_fn
            assert all(type(n) is int for n in node._out_shape), node._out_shape
            assert all(type(n) is bool for n in node.needs_input_grad), node.needs_input_grad
        (x.exp() * 2).sum().backward()
        assert x.grad.shape == x.shape


def test_a_leaf_used_many_times_sums_every_contribution_into_a_grad_of_its_own() -> None:
    """Contributions after the first are added into the sum this backward made for the
    leaf's .grad (in place), never into an array the graph or another .grad holds."""
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    v = ag.tensor([3.0, 4.0], requires_grad=True)
    y = w
    for _ in range(5):
        y = y * 1.0 + w * v  # w reached six times, v five times
    y.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), 1 + 5 * v.detach().numpy())
    np.testing.assert_array_equal(v.grad.numpy(), 5 * w.detach().numpy())
    assert not np.shares_memory(w.grad.numpy(), v.grad.numpy())
    held = w.grad
    (w * v).sum().backward()  # a later backward leaves the .grad the user holds alone
    np.testing.assert_array_equal(held.numpy(), 1 + 5 * v.detach().numpy())
    np.testing.assert_array_equal(w.grad.numpy(), 1 + 6 * v.detach().numpy())
