"""The benchmark's W2 implementations compute the same training run.

A ratio against a yardstick means something only while the yardstick does the same
work: the hand-written numpy step, the engine's numpy calls replayed bare and the bare
engine must all train the lecture's 2-3-1 network to the engine's weights.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import bare_engine  # noqa: E402
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
