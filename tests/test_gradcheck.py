"""ag.gradcheck / ag.gradgradcheck, and ag.detect_anomaly()."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag


class WrongSquare(ag.Function):
    """f(x) = x^2 with a deliberately wrong backward: off by 0.05 at the first element and
    by 1 (the worst) at the last."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        bump = np.zeros(x.shape)
        bump[0, 0] = 0.05
        bump[-1, -1] = 1.0
        return grad * (2 * x + ag.tensor(bump))


class DetachedCube(ag.Function):
    """f(x) = x^3 with a right first derivative computed outside the graph: d2f is lost."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * ag.tensor(3 * x.detach().numpy() ** 2)


def x64(*shape, seed=0):
    return ag.tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True)


def test_gradcheck_returns_true_on_correct_ops() -> None:
    assert ag.gradcheck(lambda a, b: (a @ b).tanh(), [x64(2, 3), x64(3, 2, seed=1)]) is True
    assert ag.gradcheck(lambda a: a.softmax(-1), x64(2, 3)) is True


def test_gradcheck_names_the_input_and_worst_element_of_a_wrong_function() -> None:
    x = x64(2, 3)
    other = x64(4)
    with pytest.raises(ag.GradcheckError, match=r"input 1 at element \(1, 2\)") as info:
        ag.gradcheck(lambda a, b: a.sum() + WrongSquare.apply(b), [other, x])
    assert isinstance(info.value, RuntimeError)
    assert "numerical" in str(info.value) and "analytical" in str(info.value)


def test_gradcheck_can_return_false_instead_of_raising() -> None:
    assert ag.gradcheck(WrongSquare.apply, [x64(2, 2)], raise_exception=False) is False


def test_gradcheck_fast_mode_passes_right_ops_and_catches_wrong_ones() -> None:
    big = x64(30, 40)
    assert ag.gradcheck(lambda a: (a.tanh() * a).log_softmax(1), [big], fast_mode=True)
    with pytest.raises(ag.GradcheckError, match="directional derivative mismatch for input 0"):
        ag.gradcheck(WrongSquare.apply, [big], fast_mode=True)


def test_gradcheck_needs_float64_inputs() -> None:
    with pytest.raises(ag.GradcheckError, match="float64"):
        ag.gradcheck(ag.exp, [ag.ones(2, requires_grad=True)])


def test_gradcheck_needs_an_input_that_requires_grad() -> None:
    with pytest.raises(ag.GradcheckError, match="nothing to check"):
        ag.gradcheck(ag.exp, [ag.ones(2, dtype=ag.float64)])


def test_gradcheck_leaves_the_inputs_untouched() -> None:
    x = x64(3)
    before = x.detach().numpy().copy()
    ag.gradcheck(ag.exp, [x])
    np.testing.assert_array_equal(x.detach().numpy(), before)
    assert x.grad is None


def test_gradcheck_accepts_non_tensor_arguments() -> None:
    assert ag.gradcheck(lambda a, k: a**k, [x64(3), 3])


def test_gradcheck_with_several_outputs() -> None:
    assert ag.gradcheck(lambda a: (a.exp(), a.sin()), [x64(3)])


def test_gradgradcheck_passes_right_ops_and_catches_a_lost_second_derivative() -> None:
    x = x64(2, 2)
    assert ag.gradgradcheck(lambda a: a.tanh() * a.sigmoid(), [x])
    assert ag.gradcheck(DetachedCube.apply, [x])  # first order is right
    with pytest.raises(ag.GradcheckError):
        ag.gradgradcheck(DetachedCube.apply, [x])


# --- detect_anomaly ------------------------------------------------------------------------------

def test_detect_anomaly_names_the_op_and_where_it_was_created() -> None:
    x = ag.tensor([0.0, 1.0], requires_grad=True)
    with ag.detect_anomaly():
        assert ag.is_anomaly_enabled()
        y = x.sqrt()  # d sqrt/dx at 0 is inf
        loss = y.sum()
        with pytest.raises(RuntimeError, match="SqrtBackward") as info:
            loss.backward()
    message = str(info.value)
    assert "inf" in message
    assert "test_gradcheck.py" in message and "x.sqrt()" in message
    assert not ag.is_anomaly_enabled()


def test_detect_anomaly_catches_nan_from_log_of_zero() -> None:
    x = ag.tensor([0.0, 2.0], requires_grad=True)
    with ag.detect_anomaly():
        y = ag.log(x) * 0  # dL/dlog(x) = 0, then 0 / x is 0/0 = nan at x = 0
        with pytest.raises(RuntimeError, match=r"'LogBackward0' returned nan"):
            y.sum().backward()


def test_without_anomaly_mode_the_inf_reaches_the_grad() -> None:
    x = ag.tensor([0.0, 1.0], requires_grad=True)
    with np.errstate(divide="ignore"):
        x.sqrt().sum().backward()
    assert np.isinf(x.grad.numpy()[0]) and x.grad.numpy()[1] == 0.5


def test_set_detect_anomaly_as_context() -> None:
    with ag.set_detect_anomaly(True):
        assert ag.is_anomaly_enabled()
    assert not ag.is_anomaly_enabled()
