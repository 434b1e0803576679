"""Higher-order gradients: create_graph=True records the backward pass itself."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from op_table import OPS, Op, call, make_inputs

import autograd as ag

X = np.array([-1.5, -0.3, 0.0, 0.4, 2.0])


def derivatives(fn, values, order: int) -> list[np.ndarray]:
    """[f'(x), f''(x), ...] element-wise, each by differentiating the previous one."""
    x = ag.tensor(values, dtype=ag.float64, requires_grad=True)
    y = fn(x)
    out = []
    for _ in range(order):
        (y,) = ag.grad(y.sum(), x, create_graph=True)
        out.append(y.detach().numpy())
    return out


def test_second_derivative_of_tanh() -> None:
    t = np.tanh(X)
    d1, d2 = derivatives(ag.tanh, X, 2)
    np.testing.assert_allclose(d1, 1 - t**2, rtol=1e-12)
    np.testing.assert_allclose(d2, -2 * t * (1 - t**2), rtol=1e-12, atol=1e-15)


def test_second_derivative_of_sigmoid() -> None:
    s = 1 / (1 + np.exp(-X))
    d1, d2 = derivatives(ag.sigmoid, X, 2)
    np.testing.assert_allclose(d1, s * (1 - s), rtol=1e-12)
    np.testing.assert_allclose(d2, s * (1 - s) * (1 - 2 * s), rtol=1e-10, atol=1e-15)


def test_derivatives_of_x_cubed_up_to_the_fourth() -> None:
    d1, d2, d3, d4 = derivatives(lambda x: x**3, X, 4)
    np.testing.assert_allclose(d1, 3 * X**2)
    np.testing.assert_allclose(d2, 6 * X)
    np.testing.assert_allclose(d3, np.full_like(X, 6.0))
    np.testing.assert_allclose(d4, np.zeros_like(X))


@pytest.mark.parametrize("fn, second", [
    (ag.exp, np.exp),
    (ag.sin, lambda x: -np.sin(x)),
    (ag.cos, lambda x: -np.cos(x)),
    (lambda x: ag.log(x * x + 1), lambda x: 2 * (1 - x**2) / (1 + x**2) ** 2),
    (lambda x: ag.sqrt(x * x + 1), lambda x: (1 + x**2) ** -1.5),
    (lambda x: 1 / (x + 3), lambda x: 2 / (x + 3) ** 3),
], ids=["exp", "sin", "cos", "log", "sqrt", "reciprocal"])
def test_second_derivatives_of_closed_forms(fn, second) -> None:
    _, d2 = derivatives(fn, X, 2)
    np.testing.assert_allclose(d2, second(X), rtol=1e-10, atol=1e-14)


def test_backward_with_create_graph_puts_a_differentiable_grad_in_the_leaf() -> None:
    x = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    (x**3).sum().backward(create_graph=True)
    g = x.grad
    assert g.requires_grad
    x.grad = None
    g.sum().backward()
    assert x.grad.tolist() == [6.0, 12.0]


# --- gradgradcheck over the op table --------------------------------------------------------------

# Ops whose second derivative is 0 or undefined at generic points are still
# checked: the gradient of a linear backward must be right too.
@pytest.mark.parametrize("op", OPS, ids=repr)
@settings(max_examples=3)
@given(data=st.data())
def test_gradgradcheck_over_the_op_table(op: Op, data: st.DataObject) -> None:
    shapes, params = data.draw(op.case)
    arrays = make_inputs(op, shapes, data.draw(st.integers(0, 2**16)))
    xs = [ag.tensor(a, requires_grad=True) for a in arrays]
    assert ag.gradgradcheck(lambda *ts: call(op, ag, list(ts), params), xs)


@pytest.mark.parametrize("op", OPS, ids=repr)
@settings(max_examples=2)
@given(data=st.data())
def test_every_library_rule_returns_one_gradient_per_input(op: Op, data: st.DataObject) -> None:
    # A plain backward does not count the library's gradients (it would cost every node a
    # check): a rule returning too few would leave inputs silently without one. So count here.
    from autograd.engine import topological_order

    shapes, params = data.draw(op.case)
    xs = [ag.tensor(a, requires_grad=True)
          for a in make_inputs(op, shapes, data.draw(st.integers(0, 2**16)))]
    out = call(op, ag, xs, params)
    for node in topological_order([out.grad_fn]):
        assert node.array_level, node.name()
        grads = node.backward(node, np.ones(node._out_shape, node._out_dtype))
        grads = grads if isinstance(grads, tuple) else (grads,)
        assert len(grads) == len(node.edges), node.name()


def test_gradgradcheck_of_a_composite() -> None:
    rng = np.random.default_rng(1)
    a = ag.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    b = ag.tensor(rng.standard_normal((4, 2)), requires_grad=True)
    assert ag.gradgradcheck(lambda p, q: (p @ q).tanh().softmax(-1).log() * (p.sum() ** 2), [a, b])


# --- Hessian-vector product of a small MLP --------------------------------------------------------

def _mlp_loss(params: list[ag.Tensor], X: ag.Tensor, t: ag.Tensor) -> ag.Tensor:
    W1, b1, W2, b2 = params
    hidden = (X @ W1.T + b1).tanh()
    y = hidden @ W2.T + b2
    return ((y - t) ** 2).mean()


def test_hessian_vector_product_of_a_tanh_mlp_matches_finite_differences() -> None:
    rng = np.random.default_rng(0)
    X = ag.tensor(rng.standard_normal((6, 3)))
    t = ag.tensor(rng.standard_normal((6, 1)))
    theta = [rng.standard_normal(s) for s in [(4, 3), (4,), (1, 4), (1,)]]
    v = [rng.standard_normal(p.shape) for p in theta]

    params = [ag.tensor(p, requires_grad=True) for p in theta]
    grads = ag.grad(_mlp_loss(params, X, t), params, create_graph=True)
    g_dot_v = sum((g * ag.tensor(vi)).sum() for g, vi in zip(grads, v, strict=True))
    hvp = [h.numpy() for h in ag.grad(g_dot_v, params)]

    def gradient_at(step: float) -> list[np.ndarray]:
        ps = [ag.tensor(p + step * vi, requires_grad=True) for p, vi in zip(theta, v, strict=True)]
        return [g.numpy() for g in ag.grad(_mlp_loss(ps, X, t), ps)]

    eps = 1e-5
    plus, minus = gradient_at(eps), gradient_at(-eps)
    for h, gp, gm in zip(hvp, plus, minus, strict=True):
        np.testing.assert_allclose(h, (gp - gm) / (2 * eps), rtol=1e-6, atol=1e-8)


def test_hessian_of_a_quadratic_form_is_the_symmetrised_matrix() -> None:
    A = np.array([[2.0, 1.0], [0.0, 3.0]])
    x = ag.tensor([0.5, -1.0], dtype=ag.float64, requires_grad=True)
    (g,) = ag.grad(x @ ag.tensor(A) @ x, x, create_graph=True)
    rows = [ag.grad(g[i], x, retain_graph=True)[0].numpy() for i in range(2)]
    np.testing.assert_allclose(np.stack(rows), A + A.T)
