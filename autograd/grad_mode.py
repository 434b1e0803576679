"""Grad mode: whether ops record the graph. Per thread, as in PyTorch."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled"]


class _State(threading.local):
    grad_enabled = True
    anomaly = False  # inside detect_anomaly()
    create_graph = False  # inside a backward pass that records itself


state = _State()


class _AnyThread:
    """How many threads are in each rare mode right now: grad mode off (no_grad), a
    detect_anomaly() context, a backward pass with create_graph=True.

    Plain attributes: every op reads them, and reading the per-thread ``state``
    costs several times more (about 600 instructions against 80). Only when a count
    is non-zero does an op look at its own thread's flag in ``state``. Changed
    through :func:`count_mode`.
    """

    def __init__(self) -> None:
        # Instance attributes, not class ones: Python specializes their reads (a class
        # attribute read through an instance is a full lookup, about 300 instructions).
        self.grad_disabled = 0
        self.anomaly = 0
        self.create_graph = 0


any_thread = _AnyThread()
_counting = threading.Lock()  # threads may enter and leave the modes at once


def count_mode(mode: str, change: int) -> None:
    """Add ``change`` (+1 entering, -1 leaving) to the number of threads in ``mode``."""
    with _counting:
        setattr(any_thread, mode, getattr(any_thread, mode) + change)


def is_grad_enabled() -> bool:
    """True when new ops record the graph for backward."""
    return not any_thread.grad_disabled or state.grad_enabled


def set_thread_grad_enabled(mode: bool) -> bool:
    """Turn this thread's grad mode on or off; returns what it was. The one writer of
    ``state.grad_enabled``, which keeps ``any_thread.grad_disabled`` in step."""
    prev = state.grad_enabled
    if mode != prev:
        state.grad_enabled = mode
        count_mode("grad_disabled", -1 if mode else +1)
    return prev


class _GradMode:
    """Base of the grad-mode contexts; each also works as a decorator."""

    _enabled: bool

    def __enter__(self) -> None:
        self._prev = set_thread_grad_enabled(self._enabled)

    def __exit__(self, *exc: object) -> None:
        set_thread_grad_enabled(self._prev)

    def __call__(self, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Context (or decorator) in which ops build no graph: for evaluation and parameter updates."""

    _enabled = False


class enable_grad(_GradMode):
    """Context (or decorator) that turns graph recording back on inside ``no_grad``."""

    _enabled = True


class set_grad_enabled(_GradMode):
    """``set_grad_enabled(False)`` as a call, a context or a decorator, as in PyTorch."""

    def __init__(self, mode: bool):
        self._enabled = bool(mode)
        self._prev = set_thread_grad_enabled(self._enabled)

    def __enter__(self) -> None:
        return None

    def __call__(self, fn: Callable) -> Callable:
        set_thread_grad_enabled(self._prev)
        mode = self._enabled

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper
