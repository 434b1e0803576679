"""Every differentiable op, driven by the table in tests/op_table.py.

For each op: the forward values against a numpy reference (float32 and
float64, dtype kept), the backward against float64 central differences with
``ag.gradcheck`` (full Jacobian on the small shapes hypothesis draws, a
directional check on a large input), and, where PyTorch is installed, both
against PyTorch. Then known values worked out by hand, Python scalars and numpy
arrays on either side of an operator, comparisons, and numerical stability.
"""

from __future__ import annotations

import math
import operator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from op_table import OPS, OPS_BY_NAME, Op, call, make_inputs

import autograd as ag

TOL = {np.float32: dict(rtol=2e-5, atol=1e-6), np.float64: dict(rtol=1e-10, atol=1e-12)}


def _draw(op: Op, data: st.DataObject) -> tuple[list[np.ndarray], dict]:
    shapes, params = data.draw(op.case, label="shapes, params")
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    return make_inputs(op, shapes, seed), params


@pytest.mark.parametrize("op", OPS, ids=repr)
@given(data=st.data())
def test_forward_matches_numpy_reference(op: Op, data: st.DataObject) -> None:
    arrays, params = _draw(op, data)
    for dtype in (np.float32, np.float64):
        xs = [a.astype(dtype) for a in arrays]
        out = call(op, ag, [ag.tensor(x, requires_grad=True) for x in xs], params)
        expected = np.asarray(op.ref(*[x.astype(np.float64) for x in xs], **params))
        assert out.dtype == (ag.float64 if dtype == np.float64 else ag.float32), op.name
        assert out.shape == expected.shape, f"{op.name}: {out.shape} != {expected.shape}"
        np.testing.assert_allclose(out.detach().numpy(), expected, **TOL[dtype], err_msg=op.name)
        assert out.requires_grad, op.name


@pytest.mark.parametrize("op", OPS, ids=repr)
@given(data=st.data())
def test_backward_matches_finite_differences(op: Op, data: st.DataObject) -> None:
    arrays, params = _draw(op, data)
    xs = [ag.tensor(a, requires_grad=True) for a in arrays]
    assert ag.gradcheck(lambda *ts: call(op, ag, list(ts), params), xs)


@pytest.mark.parametrize("op", OPS, ids=repr)
@given(data=st.data())
def test_float32_gradients_are_float32_and_shaped_like_inputs(op: Op, data: st.DataObject) -> None:
    arrays, params = _draw(op, data)
    xs = [ag.tensor(a.astype(np.float32), requires_grad=True) for a in arrays]
    out = call(op, ag, xs, params)
    out.backward(ag.ones_like(out))
    for x in xs:
        assert x.grad is not None and x.grad.dtype == ag.float32
        assert x.grad.shape == x.shape


LARGE = {
    "exp": [(40, 50)], "tanh": [(40, 50)], "sigmoid": [(40, 50)], "log": [(40, 50)],
    "mul": [(40, 1), (40, 50)], "div": [(40, 50), (50,)], "matmul": [(8, 30, 20), (20, 25)],
    "softmax": [(40, 50)], "log_softmax": [(40, 50)], "sum": [(40, 50)], "var": [(40, 50)],
    "logsumexp": [(40, 50)], "gather": [(40, 50)], "maximum": [(40, 50), (50,)],
}
LARGE_PARAMS = {
    "softmax": {"dim": -1}, "log_softmax": {"dim": 0}, "sum": {"dim": 1, "keepdim": False},
    "var": {"dim": (0, 1), "correction": 1, "keepdim": True},
    "logsumexp": {"dim": 1, "keepdim": True},
    "gather": {"dim": 1, "index": np.random.default_rng(0).integers(0, 50, (40, 70))},
}


@pytest.mark.parametrize("name", sorted(LARGE))
def test_backward_on_large_inputs_directional(name: str) -> None:
    """fast_mode: one random directional derivative u^T J v against central differences."""
    op = OPS_BY_NAME[name]
    arrays = make_inputs(op, LARGE[name], seed=7)
    xs = [ag.tensor(a, requires_grad=True) for a in arrays]
    params = LARGE_PARAMS.get(name, {})
    assert ag.gradcheck(lambda *ts: call(op, ag, list(ts), params), xs, fast_mode=True)


@pytest.mark.parametrize("op", [op for op in OPS if op.torch], ids=repr)
@settings(max_examples=4)
@given(data=st.data())
def test_forward_and_gradients_match_torch(op: Op, data: st.DataObject) -> None:
    torch = pytest.importorskip("torch")
    arrays, params = _draw(op, data)
    ours = [ag.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, ref = call(op, ag, ours, params), call(op, torch, theirs, params)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-10,
                               atol=1e-12)
    u = np.random.default_rng(0).standard_normal(ref.shape)
    (out * ag.tensor(u)).sum().backward()
    (ref * torch.tensor(u)).sum().backward()
    for x, t in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-9, atol=1e-12)


# --- known values, worked out by hand -------------------------------------------------------

def _grad_of(fn, values, dtype=ag.float64):
    x = ag.tensor(values, dtype=dtype, requires_grad=True)
    y = fn(x)
    y.sum().backward() if y.ndim else y.backward()
    return y.detach().numpy(), x.grad.numpy()


E = math.e
KNOWN = [
    # (name, fn, x, f(x), df/dx summed over outputs)
    ("exp", ag.exp, [0.0, 1.0], [1.0, E], [1.0, E]),
    ("log", ag.log, [1.0, E], [0.0, 1.0], [1.0, 1 / E]),
    ("sqrt", ag.sqrt, [4.0, 9.0], [2.0, 3.0], [0.25, 1 / 6]),
    ("abs", ag.abs, [-2.0, 0.0, 3.0], [2.0, 0.0, 3.0], [-1.0, 0.0, 1.0]),
    ("sin", ag.sin, [0.0, math.pi / 2], [0.0, 1.0], [1.0, 0.0]),
    ("cos", ag.cos, [0.0, math.pi / 2], [1.0, 0.0], [0.0, -1.0]),
    ("tanh", ag.tanh, [0.0], [0.0], [1.0]),
    ("sigmoid", ag.sigmoid, [0.0], [0.5], [0.25]),
    ("relu", ag.relu, [-1.0, 0.0, 2.0], [0.0, 0.0, 2.0], [0.0, 0.0, 1.0]),
    ("neg", lambda x: -x, [1.0, -2.0], [-1.0, 2.0], [-1.0, -1.0]),
    ("cube", lambda x: x**3, [2.0], [8.0], [12.0]),
    ("x**0", lambda x: x**0, [0.0, 3.0], [1.0, 1.0], [0.0, 0.0]),
    ("2**x", lambda x: 2**x, [3.0], [8.0], [8 * math.log(2)]),
    ("sum", lambda x: x.sum(), [[1.0, 2.0], [3.0, 4.0]], 10.0, [[1.0, 1.0], [1.0, 1.0]]),
    ("mean", lambda x: x.mean(), [1.0, 2.0, 3.0, 6.0], 3.0, [0.25] * 4),
    ("mean dim", lambda x: x.mean(1), [[1.0, 3.0], [5.0, 7.0]], [2.0, 6.0], [[0.5] * 2] * 2),
    ("var", lambda x: x.var(), [1.0, 2.0, 3.0, 6.0], 14 / 3, [-4 / 3, -2 / 3, 0.0, 2.0]),
    ("var biased", lambda x: x.var(correction=0), [1.0, 3.0], 1.0, [-1.0, 1.0]),
    ("max ties", lambda x: x.max(), [1.0, 3.0, 3.0], 3.0, [0.0, 0.5, 0.5]),
    ("amax dim ties", lambda x: x.amax(1), [[2.0, 2.0], [1.0, 0.0]], [2.0, 1.0],
     [[0.5, 0.5], [1.0, 0.0]]),
    ("min", lambda x: x.min(), [4.0, -1.0, 2.0], -1.0, [0.0, 1.0, 0.0]),
    ("max dim picks one", lambda x: x.max(0).values, [[1.0, 5.0], [3.0, 2.0]], [3.0, 5.0],
     [[0.0, 1.0], [1.0, 0.0]]),
    ("maximum tie", lambda x: ag.maximum(x, ag.tensor([1.0, 1.0], dtype=ag.float64)),
     [1.0, 2.0], [1.0, 2.0], [0.5, 1.0]),
    ("minimum", lambda x: x.minimum(ag.tensor([1.0, 1.0], dtype=ag.float64)), [0.0, 2.0],
     [0.0, 1.0], [1.0, 0.0]),
    ("clamp", lambda x: x.clamp(-1, 1), [-2.0, 0.5, 3.0], [-1.0, 0.5, 1.0], [0.0, 1.0, 0.0]),
    ("softmax", lambda x: x.softmax(0) * ag.tensor([1.0, 0.0], dtype=ag.float64),
     [0.0, 0.0], [0.5, 0.0], [0.25, -0.25]),
    ("log_softmax", lambda x: x.log_softmax(0)[0], [0.0, 0.0], math.log(0.5), [0.5, -0.5]),
    ("logsumexp", lambda x: x.logsumexp(0), [0.0, 0.0], math.log(2), [0.5, 0.5]),
    ("matmul dot", lambda x: x @ ag.tensor([3.0, 4.0], dtype=ag.float64), [1.0, 2.0], 11.0,
     [3.0, 4.0]),
    ("where", lambda x: ag.where(x > 0, x, x * 3), [-1.0, 2.0], [-3.0, 2.0], [3.0, 1.0]),
    ("getitem repeated", lambda x: x[[0, 0, 1]], [5.0, 6.0, 7.0], [5.0, 5.0, 6.0],
     [2.0, 1.0, 0.0]),
    ("gather repeated", lambda x: x.gather(0, ag.tensor([2, 2, 0])), [5.0, 6.0, 7.0],
     [7.0, 7.0, 5.0], [1.0, 0.0, 2.0]),
    ("expand", lambda x: x.expand(3, 2), [[1.0, 2.0]], [[1.0, 2.0]] * 3, [[3.0, 3.0]]),
    ("broadcast add", lambda x: x + ag.zeros(4, 2, dtype=ag.float64), [1.0, 2.0],
     [[1.0, 2.0]] * 4, [4.0, 4.0]),
]


@pytest.mark.parametrize("name, fn, x, value, grad", KNOWN, ids=[k[0] for k in KNOWN])
def test_known_values_and_gradients(name, fn, x, value, grad) -> None:
    out, g = _grad_of(fn, x)
    np.testing.assert_allclose(out, value, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(g, grad, rtol=1e-12, atol=1e-15)


# --- Python scalars and numpy arrays on either side -------------------------------------------

OPERATORS = {
    "+": (lambda a, b: a + b, lambda a, b: (1.0, 1.0)),
    "-": (lambda a, b: a - b, lambda a, b: (1.0, -1.0)),
    "*": (lambda a, b: a * b, lambda a, b: (b, a)),
    "/": (lambda a, b: a / b, lambda a, b: (1 / b, -a / b**2)),
    "**": (lambda a, b: a**b, lambda a, b: (b * a ** (b - 1), a**b * np.log(a))),
}
OTHERS = {
    "int": 3,
    "float": 1.5,
    "numpy scalar": np.float64(2.5),
    "numpy array": np.array([1.5, 2.0, 0.5]),
    "numpy array broadcast": np.array([[1.5], [2.5]]),
}


@pytest.mark.parametrize("other", list(OTHERS), ids=str)
@pytest.mark.parametrize("tensor_on_left", [True, False], ids=["tensor-op-other",
                                                               "other-op-tensor"])
@pytest.mark.parametrize("symbol", list(OPERATORS))
def test_operators_with_python_scalars_and_numpy(symbol, tensor_on_left, other) -> None:
    forward, derivatives = OPERATORS[symbol]
    c = OTHERS[other]
    values = np.array([0.5, 1.25, 2.0])
    x = ag.tensor(values, requires_grad=True)
    out = forward(x, c) if tensor_on_left else forward(c, x)
    assert isinstance(out, ag.Tensor)
    expected = forward(values, c) if tensor_on_left else forward(c, values)
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-12)
    out.sum().backward()
    c_arr = np.asarray(c, dtype=np.float64)
    d_left, d_right = derivatives(values, c_arr) if tensor_on_left else derivatives(c_arr, values)
    d = d_left if tensor_on_left else d_right
    expected_grad = (np.broadcast_to(d, np.broadcast_shapes(values.shape, c_arr.shape))
                     .reshape(-1, 3).sum(axis=0))
    np.testing.assert_allclose(x.grad.numpy(), expected_grad, rtol=1e-12)


def test_scalar_operands_keep_float32() -> None:
    """A Python number never widens a float32 tensor, on either side (PyTorch's rule)."""
    x = ag.tensor([1.0, 2.0])
    for out in (x + 1, 1 + x, x * 2.5, 2.5 * x, x / 3, 3 / x, x**2, 2**x, x - np.float64(1),
                np.float64(2) * x, -x):
        assert out.dtype == ag.float32, repr(out)


def test_matmul_with_numpy_matrix_on_either_side() -> None:
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    x = ag.tensor([[1.0, -1.0]], dtype=ag.float64, requires_grad=True)
    (x @ w).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[3.0, 7.0]])
    x.grad = None
    (w @ x.T).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[4.0, 6.0]])


def test_unary_minus_and_pos() -> None:
    x = ag.tensor([1.0, -2.0], requires_grad=True)
    (-x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [-1.0, -1.0])
    assert (+x) is x


# --- matmul: every case by name -------------------------------------------------------------

MATMUL_CASES = {
    "1-D @ 1-D": ((3,), (3,), ()),
    "1-D @ 2-D": ((3,), (3, 2), (2,)),
    "2-D @ 1-D": ((2, 3), (3,), (2,)),
    "2-D @ 2-D": ((2, 3), (3, 4), (2, 4)),
    "batched": ((5, 2, 3), (5, 3, 4), (5, 2, 4)),
    "batched @ 2-D": ((5, 2, 3), (3, 4), (5, 2, 4)),
    "1-D @ batched": ((3,), (5, 3, 4), (5, 4)),
    "batched @ 1-D": ((5, 2, 3), (3,), (5, 2)),
    "broadcast batch dims": ((2, 1, 2, 3), (4, 3, 2), (2, 4, 2, 2)),
}


@pytest.mark.parametrize("case", list(MATMUL_CASES))
def test_matmul_shapes_values_and_gradients(case: str) -> None:
    a_shape, b_shape, out_shape = MATMUL_CASES[case]
    rng = np.random.default_rng(3)
    a_np, b_np = rng.standard_normal(a_shape), rng.standard_normal(b_shape)
    a, b = ag.tensor(a_np, requires_grad=True), ag.tensor(b_np, requires_grad=True)
    out = a @ b
    assert out.shape == out_shape
    np.testing.assert_allclose(out.detach().numpy(), np.matmul(a_np, b_np), rtol=1e-12)
    assert ag.gradcheck(lambda p, q: p @ q, [a, b])


# --- reductions: dim forms agree ---------------------------------------------------------------

@pytest.mark.parametrize("name", ["sum", "mean", "amax", "amin", "logsumexp", "var"])
def test_reduction_dim_forms_agree(name: str) -> None:
    x = ag.tensor(np.arange(24.0).reshape(2, 3, 4) ** 1.5)
    f = getattr(x, name)
    np.testing.assert_allclose(f(-1).numpy(), f(2).numpy())
    np.testing.assert_allclose(f((0, -1)).numpy(), f((2, 0)).numpy())
    assert f((0, 2), keepdim=True).shape == (1, 3, 1)
    assert f(1).shape == (2, 4)
    if name != "logsumexp":
        assert f().shape == ()


def test_sum_over_integer_and_bool_tensors_keeps_integers() -> None:
    assert ag.tensor([1, 2, 3]).sum().dtype == ag.int64
    assert ag.tensor([True, True, False]).sum().item() == 2


# --- comparisons ------------------------------------------------------------------------------

COMPARISONS = {"<": (operator.lt, np.less), "<=": (operator.le, np.less_equal),
               ">": (operator.gt, np.greater), ">=": (operator.ge, np.greater_equal),
               "==": (operator.eq, np.equal), "!=": (operator.ne, np.not_equal)}


@pytest.mark.parametrize("symbol", list(COMPARISONS))
def test_comparisons_give_bool_tensors_without_gradient(symbol: str) -> None:
    compare, reference = COMPARISONS[symbol]
    a_np = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
    b_np = np.array([2.0, 2.0, 2.0])
    a = ag.tensor(a_np, requires_grad=True)
    for other, other_np in ((ag.tensor(b_np, requires_grad=True), b_np), (2.0, 2.0),
                            (b_np, b_np)):
        out = compare(a, other)
        assert out.dtype == ag.bool
        assert not out.requires_grad and out.grad_fn is None
        np.testing.assert_array_equal(out.numpy(), reference(a_np, other_np))
    # the tensor on the right: Python reflects the comparison
    np.testing.assert_array_equal(compare(2.0, a).numpy(), reference(2.0, a_np))


def test_comparison_between_int_and_float_promotes() -> None:
    assert (ag.tensor([1, 2]) < ag.tensor([1.5, 1.5])).tolist() == [True, False]


# --- stability --------------------------------------------------------------------------------

def test_softmax_family_is_stable_for_large_logits() -> None:
    logits = ag.tensor([[1000.0, 0.0, -1000.0], [1000.0, 1000.0, 1000.0]], requires_grad=True)
    p = logits.softmax(dim=1)
    np.testing.assert_allclose(p.detach().numpy(), [[1.0, 0.0, 0.0], [1 / 3] * 3], rtol=1e-6)
    logp = logits.log_softmax(dim=1)
    np.testing.assert_allclose(logp.detach().numpy(),
                               [[0.0, -1000.0, -2000.0], [-math.log(3)] * 3], rtol=1e-6)
    lse = logits.logsumexp(dim=1)
    np.testing.assert_allclose(lse.detach().numpy(), [1000.0, 1000.0 + math.log(3)], rtol=1e-6)
    (p.sum() + logp[:, 0].sum() + lse.sum()).backward()
    assert np.isfinite(logits.grad.numpy()).all()
    # d lse / d x = softmax(x)
    logits.grad = None
    logits.logsumexp(1).sum().backward()
    np.testing.assert_allclose(logits.grad.numpy(), p.detach().numpy(), rtol=1e-4, atol=1e-7)


def test_logsumexp_of_minus_infinity_rows() -> None:
    x = ag.tensor([[-math.inf, -math.inf], [0.0, -math.inf]])
    np.testing.assert_array_equal(x.logsumexp(1).numpy(), [-math.inf, 0.0])


def test_sigmoid_and_tanh_saturate_without_overflow() -> None:
    x = ag.tensor([-1000.0, 1000.0], requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = ag.sigmoid(x)
        np.testing.assert_array_equal(y.detach().numpy(), [0.0, 1.0])
        y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(ag.tanh(x).detach().numpy(), [-1.0, 1.0])


def test_softmax_outputs_lie_in_unit_interval_and_sum_to_one() -> None:
    x = ag.randn(5, 7, generator=ag.Generator().manual_seed(0))
    p = x.softmax(-1).numpy()
    assert ((p > 0) & (p < 1)).all()
    np.testing.assert_allclose(p.sum(-1), 1.0, rtol=1e-6)


def test_softmax_needs_dim() -> None:
    with pytest.raises(TypeError, match="dim"):
        ag.softmax(ag.ones(3), None)


@pytest.mark.parametrize("call_", [
    lambda x: x.sum(0), lambda x: x.mean(-1, keepdim=True), lambda x: x.softmax(0),
    lambda x: x.log_softmax(-1), lambda x: x.logsumexp(0), lambda x: x.amax(0),
    lambda x: x.max(0).values, lambda x: x.min(-1).values,
], ids=["sum", "mean", "softmax", "log_softmax", "logsumexp", "amax", "max", "min"])
def test_a_zero_dim_tensor_takes_dim_0_and_minus_1(call_) -> None:
    """As in PyTorch: a scalar behaves as if it had one axis of size 1."""
    x = ag.tensor(2.0, dtype=ag.float64, requires_grad=True)
    out = call_(x)
    assert out.shape == ()
    assert ag.gradcheck(call_, [x])
    with pytest.raises(IndexError, match="got 1"):
        ag.tensor(2.0).sum(1)


def test_argmax_and_max_of_a_scalar() -> None:
    x = ag.tensor(3.5)
    assert x.argmax(0).item() == 0 and x.max(0).indices.item() == 0
    assert x.max(-1).values.item() == 3.5


# --- PyTorch's conventions at the edges (found by tests/test_torch_parity.py) -------------------

def test_cat_and_stack_promote_as_pytorch() -> None:
    assert ag.cat([ag.tensor([1, 2]), ag.tensor([1.5])]).dtype == ag.float32  # not float64
    assert ag.stack([ag.tensor([1]), ag.tensor([1.5])]).dtype == ag.float32
    mixed = ag.cat([ag.tensor([1.0], dtype=ag.float64), ag.tensor([2.0], requires_grad=True)])
    assert mixed.dtype == ag.float64
    mixed.sum().backward()


def test_sum_of_small_unsigned_ints_is_int64() -> None:
    total = ag.tensor([200, 200], dtype=ag.uint8).sum()
    assert total.dtype == ag.int64 and total.item() == 400


def test_pow_base_gradient_is_zero_where_the_exponent_is_zero() -> None:
    x = ag.tensor([0.0, 0.0, 2.0], dtype=ag.float64, requires_grad=True)
    p = ag.tensor([0.0, 2.0, 3.0], dtype=ag.float64, requires_grad=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        (x**p).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 12.0]  # d/dx x^0 = 0 even at x = 0, not NaN
    assert p.grad.tolist() == [0.0, 0.0, 8.0 * math.log(2.0)]


def test_clamp_with_tensor_bounds_gives_the_gradient_to_x_at_a_bound() -> None:
    x = ag.tensor([0.0, 0.5, 1.0, 3.0], dtype=ag.float64, requires_grad=True)
    lo = ag.tensor([0.0, 1.0, 0.0, 1.0], dtype=ag.float64, requires_grad=True)
    hi = ag.tensor([2.0, 2.0, 1.0, 3.0], dtype=ag.float64, requires_grad=True)
    out = x.clamp(lo, hi)
    assert out.tolist() == [0.0, 1.0, 1.0, 3.0]
    out.sum().backward()
    assert x.grad.tolist() == [1.0, 0.0, 1.0, 1.0]  # ties go to x, not half and half
    assert lo.grad.tolist() == [0.0, 1.0, 0.0, 0.0]
    assert hi.grad.tolist() == [0.0, 0.0, 0.0, 0.0]


def test_norm_gradient_is_zero_at_the_zero_vector() -> None:
    x = ag.tensor([[0.0, 0.0], [3.0, 4.0]], dtype=ag.float64, requires_grad=True)
    x.norm(dim=1).sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0], [0.6, 0.8]]
    assert ag.gradcheck(lambda t: t.norm(dim=0, keepdim=True), [ag.tensor(
        [[1.0, -2.0], [3.0, 0.5]], dtype=ag.float64, requires_grad=True)])


def test_sign_is_in_the_graph_with_a_zero_gradient() -> None:
    x = ag.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    s = x.sign()
    assert s.requires_grad and s.tolist() == [-1.0, 0.0, 1.0]
    s.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


def test_floor_division_and_remainder_follow_pythons_signs() -> None:
    a = ag.tensor([7, -7, 7, -7])
    b = ag.tensor([2, 2, -2, -2])
    assert (a // b).tolist() == [3, -4, -4, 3]
    assert (a % b).tolist() == [1, 1, -1, -1]
    assert (7 % ag.tensor([2, 3])).tolist() == [1, 1]
    assert (ag.tensor([3, 4]) // 2.0).dtype == ag.float32
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        ag.tensor([3]) // 0


def test_remainder_gradients() -> None:
    x = ag.tensor([3.5, -4.2, 7.0], dtype=ag.float64, requires_grad=True)
    y = ag.tensor([2.0, 3.0, -2.5], dtype=ag.float64, requires_grad=True)
    (x % y).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0, 1.0]
    assert y.grad.tolist() == [-1.0, 2.0, 3.0]  # -floor(x / y)
    inputs = [x.detach().requires_grad_(), y.detach().requires_grad_()]
    assert ag.gradcheck(lambda a, b: a % b, inputs)
    with pytest.raises(RuntimeError, match="floor_divide is not implemented"):
        (x // 2).sum().backward()
