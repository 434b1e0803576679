"""``detect_anomaly()``: stop backward at the first op whose gradient is NaN or inf."""

from __future__ import annotations

from .grad_mode import anomaly_enabled

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled"]


class detect_anomaly:
    """A context in which backward stops at the first gradient that is NaN or inf.

    Inside it, operations remember where they were created, and backward checks every
    gradient it computes: the first NaN or inf raises a RuntimeError that names the
    operation and shows the line of your code that created it. Slow: for debugging only.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([0.0, 1.0], requires_grad=True)
        >>> with ag.detect_anomaly():
        ...     ag.sqrt(x).sum().backward()
        Traceback (most recent call last):
            ...
        RuntimeError: Function 'SqrtBackward0' returned inf values in its gradient for input 0. ...
    """

    def __init__(self, check_nan: bool = True):
        self.enabled = bool(check_nan)

    def __enter__(self) -> None:
        self._prev = anomaly_enabled.get()
        anomaly_enabled.set(self.enabled)

    def __exit__(self, *exc: object) -> None:
        anomaly_enabled.set(self._prev)


class set_detect_anomaly(detect_anomaly):
    """``set_detect_anomaly(True)`` turns anomaly detection on for this thread at once, as in
    PyTorch; used with ``with``, the previous setting comes back at the end of the block.

    Examples:
        >>> import autograd as ag
        >>> _ = ag.set_detect_anomaly(True)
        >>> ag.is_anomaly_enabled()
        True
        >>> _ = ag.set_detect_anomaly(False)
        >>> with ag.set_detect_anomaly(True):
        ...     ag.is_anomaly_enabled()
        True
        >>> ag.is_anomaly_enabled()
        False
    """

    def __init__(self, mode: bool, check_nan: bool = True):
        self.enabled = bool(mode)
        self._prev = anomaly_enabled.get()
        anomaly_enabled.set(self.enabled)

    def __enter__(self) -> None:
        return None


def is_anomaly_enabled() -> bool:
    """True inside ``detect_anomaly()`` or after ``set_detect_anomaly(True)``.

    Examples:
        >>> import autograd as ag
        >>> with ag.detect_anomaly():
        ...     print(ag.is_anomaly_enabled())
        True
        >>> ag.is_anomaly_enabled()
        False
    """
    return anomaly_enabled.get()
