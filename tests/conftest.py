"""Shared test set-up: a modest hypothesis profile, a clean global state per test, and one line
at the end of the run that says why tests were skipped."""

from __future__ import annotations

import os
import re
from collections import Counter

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
    from autograd.grad_mode import anomaly_enabled, grad_enabled

    yield
    backend._deferred.clear()  # a GPU check one test left unread must not fail the next
    ag.set_default_dtype(ag.float32)
    backend.set_default_device(None)
    grad_enabled.set(True)
    anomaly_enabled.set(False)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


# --- why tests were skipped: one line before pytest's "N passed, N skipped" ----------------

def skip_reason(report) -> str:
    """A skipped report's reason, without pytest's "Skipped: " prefix."""
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return re.sub(r"^Skipped: ", "", reason).strip()


def skip_group(report) -> str:
    """What a skip is for: no PyTorch, no GPU, or its own reason."""
    reason = skip_reason(report)
    if re.search(r"could not import 'torch'|No module named 'torch'", reason):
        return "torch"
    if "cuda" in getattr(report, "keywords", {}) or re.search(r"CuPy|GPU", reason):
        return "gpu"
    return reason


def skip_summary(reports) -> str | None:
    """The line that says why ``reports`` (the skipped ones) were skipped; None if none were."""
    groups = Counter(skip_group(r) for r in reports)
    if not groups:
        return None
    parts = []
    torch = groups.pop("torch", 0)
    if torch:
        parts.append(f"{torch} because PyTorch is not installed (`make torch` installs it)")
    gpu = groups.pop("gpu", 0)
    if gpu:
        parts.append(f"{gpu} because there is no CUDA GPU with CuPy")
    parts += [f"{n} because {reason}" for reason, n in groups.most_common()]
    return "skipped: " + "; ".join(parts)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    line = skip_summary(terminalreporter.stats.get("skipped", []))
    if line:
        terminalreporter.write_line(line)
