"""``detect_anomaly()``: stop backward at the first op whose gradient is NaN or inf."""

from __future__ import annotations

from .grad_mode import count_mode, state

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled"]


def _set_thread_anomaly(mode: bool) -> bool:
    """Turn this thread's anomaly detection on or off; returns what it was. The one writer
    of ``state.anomaly``, which keeps the count of threads with it on in step."""
    prev = state.anomaly
    if mode != prev:
        state.anomaly = mode
        count_mode("anomaly", +1 if mode else -1)
    return prev


class detect_anomaly:
    """Inside this context, ops remember where they were created, and backward checks
    every gradient it computes: the first NaN or inf raises a RuntimeError that names
    the op and shows the line of your code that created it. Slow: for debugging only.
    """

    def __init__(self, check_nan: bool = True):
        self.enabled = check_nan

    def __enter__(self) -> None:
        self._prev = _set_thread_anomaly(self.enabled)

    def __exit__(self, *exc: object) -> None:
        _set_thread_anomaly(self._prev)


class set_detect_anomaly:
    """Turn anomaly detection on or off, as ``torch.autograd.set_detect_anomaly``.

    A call takes effect at once: ``set_detect_anomaly(True)`` turns it on (for this
    thread) until ``set_detect_anomaly(False)``. Used as a context,
    ``with set_detect_anomaly(mode):`` restores the previous setting on leaving.
    """

    def __init__(self, mode: bool):
        self._prev = _set_thread_anomaly(bool(mode))

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _set_thread_anomaly(self._prev)


def is_anomaly_enabled() -> bool:
    return state.anomaly
