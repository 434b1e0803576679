"""Shared test set-up: a modest hypothesis profile and a clean global state per test."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import autograd as ag

# Small shapes and few examples: the whole suite must run in minutes on 2 cores.
# HYPOTHESIS_PROFILE=thorough runs many more examples when hunting a bug.
settings.register_profile(
    "default",
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
settings.register_profile("thorough", max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def _clean_global_state():
    """Every test starts with float32 as the default, grad mode on, anomaly mode off, and no
    GPU checks waiting."""
    from autograd import backend
    from autograd.grad_mode import anomaly_enabled, create_graph_enabled, grad_enabled

    yield
    backend._deferred.clear()  # a GPU check one test left unread must not fail the next
    ag.set_default_dtype(ag.float32)
    backend.set_default_device(None)
    grad_enabled.set(True)
    anomaly_enabled.set(False)
    create_graph_enabled.set(False)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)
