"""ag.functional (torch.autograd.functional): jacobian, hessian, vjp, jvp, vhp, hvp.

Each result is checked against float64 central differences, and against
torch.autograd.functional (values and result structure) where torch is installed.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
from autograd import functional as AF

RNG = np.random.default_rng(7)
X = RNG.standard_normal(3)
Y = RNG.standard_normal((2, 3))


def f_single(x):
    """R^3 -> R^2."""
    return ag.stack([(x * x.sin()).sum(), x.exp().prod()]) if isinstance(x, ag.Tensor) else None


def f_pair(x, y):
    """(R^3, R^{2x3}) -> (R^2, R)."""
    return (y * x.tanh()).sum(1).exp(), (x * x).sum() * y.sum()


def f_scalar(x, y):
    return (y * x.sin()).sum().exp() * (x**2).sum()


def numeric_jacobian(fn, arrays, out_index=None, eps=1e-6):
    """d out / d arrays[j] by central differences, shaped out.shape + in.shape (float64)."""
    def value(arrs):
        out = fn(*[ag.tensor(a) for a in arrs])
        out = out[out_index] if out_index is not None else out
        return np.asarray(out._array, dtype=np.float64)

    blocks = []
    for j, a in enumerate(arrays):
        cols = []
        for k in range(a.size):
            plus = [b.copy() for b in arrays]
            minus = [b.copy() for b in arrays]
            plus[j].flat[k] += eps
            minus[j].flat[k] -= eps
            cols.append((value(plus) - value(minus)) / (2 * eps))
        out_shape = cols[0].shape
        blocks.append(np.stack(cols, axis=-1).reshape(*out_shape, *a.shape))
    return blocks


# --- jacobian ----------------------------------------------------------------------------


def test_jacobian_of_one_input_and_one_output_is_one_tensor():
    J = AF.jacobian(f_single, ag.tensor(X))
    assert isinstance(J, ag.Tensor) and J.shape == (2, 3) and not J.requires_grad
    np.testing.assert_allclose(J._array, numeric_jacobian(f_single, [X])[0], rtol=1e-7, atol=1e-9)


def test_jacobian_structure_for_tuples():
    inputs = (ag.tensor(X), ag.tensor(Y))
    J = AF.jacobian(f_pair, inputs)
    assert isinstance(J, tuple) and len(J) == 2 and all(len(row) == 2 for row in J)
    shapes = [[tuple(b.shape) for b in row] for row in J]
    assert shapes == [[(2, 3), (2, 2, 3)], [(3,), (2, 3)]]
    for i in range(2):
        for j, expected in enumerate(numeric_jacobian(f_pair, [X, Y], out_index=i)):
            np.testing.assert_allclose(J[i][j]._array, expected, rtol=1e-7, atol=1e-9)
    # a tuple of inputs and one output: a tuple over the inputs
    J = AF.jacobian(lambda x, y: (x * y).sum(0), inputs)
    assert isinstance(J, tuple) and [tuple(b.shape) for b in J] == [(3, 3), (3, 2, 3)]
    # one input and a tuple of outputs: a tuple over the outputs
    J = AF.jacobian(lambda x: (x.exp(), x.sum()), ag.tensor(X))
    assert isinstance(J, tuple) and [tuple(b.shape) for b in J] == [(3, 3), (3,)]
    np.testing.assert_allclose(J[0]._array, np.diag(np.exp(X)), rtol=1e-15)


def test_jacobian_of_an_unused_input_is_zero_or_an_error_when_strict():
    inputs = (ag.tensor(X), ag.tensor(Y))
    J = AF.jacobian(lambda x, y: x * 2, inputs)
    np.testing.assert_array_equal(J[1]._array, np.zeros((3, 2, 3)))
    np.testing.assert_array_equal(J[0]._array, 2 * np.eye(3))
    with pytest.raises(RuntimeError, match="independent of input 1"):
        AF.jacobian(lambda x, y: x * 2, inputs, strict=True)


def test_jacobian_leaves_the_callers_tensors_alone_and_create_graph_keeps_a_graph():
    x = ag.tensor(X, requires_grad=True)
    J = AF.jacobian(lambda t: t**3, x)
    assert not J.requires_grad and x.grad is None
    J = AF.jacobian(lambda t: t**3, x, create_graph=True)
    assert J.requires_grad
    J.sum().backward()  # d/dx sum_i 3 x_i^2 = 6 x
    np.testing.assert_allclose(x.grad._array, 6 * X, rtol=1e-14)


def test_jacobian_rejects_what_is_not_a_tensor():
    with pytest.raises(TypeError, match="Tensor or a tuple of Tensors"):
        AF.jacobian(lambda x: x, [1.0, 2.0])
    with pytest.raises(NotImplementedError, match="reverse-mode"):
        AF.jacobian(lambda x: x, ag.tensor(X), strategy="forward-mode")


# --- hessian ------------------------------------------------------------------------------


def test_hessian_against_differences_of_the_gradient():
    inputs = (ag.tensor(X), ag.tensor(Y))
    H = AF.hessian(f_scalar, inputs)
    assert [[tuple(b.shape) for b in row] for row in H] == \
        [[(3, 3), (3, 2, 3)], [(2, 3, 3), (2, 3, 2, 3)]]

    def gradient(x, y):
        return AF.jacobian(f_scalar, (x, y), create_graph=True)

    for i in range(2):
        for j, expected in enumerate(numeric_jacobian(gradient, [X, Y], out_index=i)):
            np.testing.assert_allclose(H[i][j]._array, expected, rtol=1e-6, atol=1e-8)
    # symmetric: H[0][1] is H[1][0] transposed
    np.testing.assert_allclose(H[0][1]._array, np.moveaxis(H[1][0]._array, -1, 0), rtol=1e-13)


def test_hessian_of_one_input_and_its_errors():
    H = AF.hessian(lambda x: (x**3).sum(), ag.tensor(X))
    np.testing.assert_allclose(H._array, np.diag(6 * X), rtol=1e-14, atol=1e-15)
    with pytest.raises(RuntimeError, match="single element"):
        AF.hessian(lambda x: x**2, ag.tensor(X))


# --- vjp, jvp, vhp, hvp ----------------------------------------------------------------------


def test_vjp_is_v_transposed_times_the_jacobian():
    inputs = (ag.tensor(X), ag.tensor(Y))
    v = (ag.tensor(RNG.standard_normal(2)), ag.tensor(0.7, dtype=ag.float64))
    out, vj = AF.vjp(f_pair, inputs, v)
    assert isinstance(out, tuple) and isinstance(vj, tuple)
    J = AF.jacobian(f_pair, inputs)
    for j in range(2):
        expected = np.tensordot(v[0]._array, J[0][j]._array, axes=1) + 0.7 * J[1][j]._array
        np.testing.assert_allclose(vj[j]._array, expected, rtol=1e-13, atol=1e-15)
    out, vj = AF.vjp(lambda x: (x * x).sum(), ag.tensor(X))  # v may be None for a scalar
    assert isinstance(vj, ag.Tensor)
    np.testing.assert_allclose(vj._array, 2 * X, rtol=1e-15)
    assert out.item() == pytest.approx((X * X).sum())


def test_jvp_is_the_jacobian_times_v():
    inputs = (ag.tensor(X), ag.tensor(Y))
    v = (ag.tensor(RNG.standard_normal(3)), ag.tensor(RNG.standard_normal((2, 3))))
    out, jv = AF.jvp(f_pair, inputs, v)
    J = AF.jacobian(f_pair, inputs)
    for i in range(2):
        expected = sum(np.tensordot(J[i][j]._array, v[j]._array, axes=v[j].ndim) for j in range(2))
        np.testing.assert_allclose(jv[i]._array, expected, rtol=1e-13, atol=1e-15)
    # one input and one output: plain tensors
    out, jv = AF.jvp(lambda x: x.sin(), ag.tensor(X), ag.tensor(np.ones(3)))
    assert isinstance(jv, ag.Tensor)
    np.testing.assert_allclose(jv._array, np.cos(X), rtol=1e-15)


def test_jvp_and_vjp_check_v():
    with pytest.raises(RuntimeError, match="v can only be None"):
        AF.jvp(lambda x: x * 2, ag.tensor(X))
    with pytest.raises(RuntimeError, match="v can only be None"):
        AF.vjp(lambda x: x * 2, ag.tensor(X))
    with pytest.raises(RuntimeError, match="Mismatch in size for v"):
        AF.vjp(lambda x: x * 2, ag.tensor(X), ag.ones(2))
    with pytest.raises(RuntimeError, match="invalid length"):
        AF.jvp(lambda x, y: x * 2, (ag.tensor(X), ag.tensor(Y)), (ag.ones(3),))


def test_vhp_and_hvp_are_hessian_products():
    inputs = (ag.tensor(X), ag.tensor(Y))
    v = (ag.tensor(RNG.standard_normal(3)), ag.tensor(RNG.standard_normal((2, 3))))
    H = AF.hessian(f_scalar, inputs)
    for fn in (AF.vhp, AF.hvp):
        out, prod = fn(f_scalar, inputs, v)
        for i in range(2):
            expected = sum(np.tensordot(v[j]._array, H[j][i]._array, axes=v[j].ndim)
                           for j in range(2))
            np.testing.assert_allclose(prod[i]._array, expected, rtol=1e-12, atol=1e-14)


# --- against torch --------------------------------------------------------------------------


def test_all_match_torch_autograd_functional():
    torch = pytest.importorskip("torch")
    TF = torch.autograd.functional
    ours_in = (ag.tensor(X), ag.tensor(Y))
    theirs_in = (torch.tensor(X), torch.tensor(Y))

    def close(a, b):
        if isinstance(b, tuple):
            assert isinstance(a, tuple) and len(a) == len(b)
            for x, y in zip(a, b):
                close(x, y)
        else:
            assert isinstance(a, ag.Tensor) and tuple(a.shape) == tuple(b.shape)
            np.testing.assert_allclose(a._array, b.numpy(), rtol=1e-12, atol=1e-14)

    close(AF.jacobian(f_pair, ours_in), TF.jacobian(f_pair, theirs_in))
    close(AF.jacobian(lambda x: x.exp(), ours_in[0]), TF.jacobian(lambda x: x.exp(), theirs_in[0]))
    close(AF.hessian(f_scalar, ours_in), TF.hessian(f_scalar, theirs_in))
    u = RNG.standard_normal(2)
    close(AF.vjp(f_pair, ours_in, (ag.tensor(u), ag.tensor(1.5))),
          TF.vjp(f_pair, theirs_in, (torch.tensor(u), torch.tensor(1.5))))
    w = (RNG.standard_normal(3), RNG.standard_normal((2, 3)))
    close(AF.jvp(f_pair, ours_in, tuple(ag.tensor(a) for a in w)),
          TF.jvp(f_pair, theirs_in, tuple(torch.tensor(a) for a in w)))
    close(AF.hvp(f_scalar, ours_in, tuple(ag.tensor(a) for a in w)),
          TF.hvp(f_scalar, theirs_in, tuple(torch.tensor(a) for a in w)))
    close(AF.vhp(f_scalar, ours_in, tuple(ag.tensor(a) for a in w)),
          TF.vhp(f_scalar, theirs_in, tuple(torch.tensor(a) for a in w)))
