"""The benchmark's W2 implementations compute the same training run.

A ratio against a yardstick means something only while the yardstick does the same
work: the hand-written numpy step, the engine's numpy calls replayed bare and the bare
engine must all train the lecture's 2-3-1 network to the engine's weights. W5's
hand-written CNN step must compute the engine's loss and gradients.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import bare_engine  # noqa: E402
import cnn  # noqa: E402
import xor  # noqa: E402

YARDSTICKS = [xor.NumpyXOR, xor.NumpyExpitXOR, xor.EngineArraysXOR, bare_engine.BareXOR]


@pytest.mark.parametrize("cls", YARDSTICKS, ids=lambda c: c.__name__)
def test_w2_yardstick_trains_to_the_engines_weights(cls: type) -> None:
    engine, other = xor.EngineXOR(xor.make_weights()), cls(xor.make_weights())
    for _ in range(60):  # 15 passes over the four XOR samples
        engine_loss, other_loss = engine.step(), other.step()
    other_loss = getattr(other_loss, "data", other_loss)  # the bare engine's own Tensor
    assert float(np.asarray(other_loss)) == pytest.approx(engine_loss.item(), rel=1e-5, abs=1e-7)
    for ours, theirs in zip(engine.weights(), other.weights()):
        np.testing.assert_allclose(np.asarray(theirs).reshape(ours.shape), ours,
                                   rtol=1e-5, atol=1e-6)
    assert any(not np.array_equal(w, w0) for w, w0 in zip(engine.weights(), xor.make_weights()))


def test_w5_numpy_step_computes_the_engines_gradients() -> None:
    params, x, y = cnn.make_problem(batch=16)
    engine = cnn.EngineCNN(params, x, y)
    numpy_params = [p.copy() for p in params]
    for _ in range(3):  # three SGD steps: the updates agree too
        engine_loss = engine.step().item()
        numpy_loss, grads = cnn.numpy_cnn_step(numpy_params, x, y)
        assert numpy_loss == pytest.approx(engine_loss, rel=1e-5)
        for ours, theirs in zip(engine.grads(), grads, strict=True):
            assert ours.shape == theirs.shape
            np.testing.assert_allclose(theirs, ours, rtol=1e-4, atol=1e-6)
        for ours, theirs in zip(engine.weights(), numpy_params, strict=True):
            np.testing.assert_allclose(theirs, ours, rtol=1e-5, atol=1e-6)
    assert all(np.abs(g).max() > 0 for g in grads)  # every layer got a gradient


def test_w5_torch_step_computes_the_engines_weights() -> None:
    pytest.importorskip("torch")
    params, x, y = cnn.make_problem(batch=16)
    engine, torch_cnn = cnn.EngineCNN(params, x, y), cnn.TorchCNN(params, x, y)
    for _ in range(3):
        engine_loss, torch_loss = engine.step().item(), torch_cnn.step().item()
        assert torch_loss == pytest.approx(engine_loss, rel=1e-5)
    for ours, theirs in zip(engine.weights(), torch_cnn.weights(), strict=True):
        np.testing.assert_allclose(theirs, ours, rtol=1e-4, atol=1e-5)
def test_w6_numpy_bptt_computes_the_engines_gradients_and_adam_steps() -> None:
    """W6: the hand-written LSTM backward through time (and its Adam) is the engine's step.

    The gradients of the first step, each parameter's against the engine's, then the
    weights after more steps: what the W6 ratio compares must be the same computation.
    """
    import lstm

    weights, x, y = lstm.make_problem()
    engine, numpy_step = lstm.EngineLSTM(weights, x, y), lstm.NumpyLSTM(weights, x, y)
    engine_loss, numpy_loss = engine.step(), numpy_step.step()
    assert numpy_loss == pytest.approx(engine_loss.item(), rel=1e-6)
    for name, ours, theirs in zip(lstm.PARAMETER_ORDER, engine.grads(), numpy_step.grads,
                                  strict=True):
        scale = np.abs(theirs).max()
        assert scale > 0, name
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5 * scale, err_msg=name)
    for _ in range(4):
        engine.step(), numpy_step.step()
    for name, ours, theirs in zip(lstm.PARAMETER_ORDER, engine.weights(), numpy_step.weights(),
                                  strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6, err_msg=name)
    assert not np.allclose(engine.weights()[1], weights["weight_hh_l0"])


def test_w6_numpy_gradients_match_float64_finite_differences() -> None:
    """The hand-written backward against central differences of its own forward (float64),
    for a small problem: the yardstick is right on its own, not only equal to the engine."""
    import lstm

    weights, x, y = lstm.make_problem(input_size=2, hidden=3, steps=4, batch=2)
    weights = {k: v.astype(np.float64) for k, v in weights.items()}
    x, y = x.astype(np.float64), y.astype(np.float64)

    def loss_and_grads(ws: dict) -> tuple[float, list]:
        impl = lstm.NumpyLSTM(ws, x, y, dtype=np.float64)
        loss = impl.forward_backward()
        return loss, [g.copy() for g in impl.grads]

    _, grads = loss_and_grads(weights)
    eps = 1e-6
    for name, grad in zip(lstm.PARAMETER_ORDER, grads, strict=True):
        numerical = np.zeros_like(grad)
        for index in np.ndindex(grad.shape):
            up = {k: v.copy() for k, v in weights.items()}
            down = {k: v.copy() for k, v in weights.items()}
            up[name][index] += eps
            down[name][index] -= eps
            numerical[index] = (loss_and_grads(up)[0] - loss_and_grads(down)[0]) / (2 * eps)
        np.testing.assert_allclose(grad, numerical, rtol=1e-6, atol=1e-9, err_msg=name)
