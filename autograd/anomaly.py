"""``detect_anomaly()``: stop backward at the first op whose gradient is NaN or inf."""

from __future__ import annotations

from .grad_mode import count_mode, state

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled"]


class detect_anomaly:
    """Inside this context, ops remember where they were created, and backward checks
    every gradient it computes: the first NaN or inf raises a RuntimeError that names
    the op and shows the line of your code that created it. Slow: for debugging only.
    """

    def __init__(self, check_nan: bool = True):
        self.enabled = check_nan

    def __enter__(self) -> None:
        self._prev = state.anomaly
        state.anomaly = self.enabled
        count_mode("anomaly", +1)

    def __exit__(self, *exc: object) -> None:
        state.anomaly = self._prev
        count_mode("anomaly", -1)


class set_detect_anomaly(detect_anomaly):
    """``set_detect_anomaly(True)`` as a context, as in PyTorch."""

    def __init__(self, mode: bool):
        super().__init__(mode)


def is_anomaly_enabled() -> bool:
    return state.anomaly
