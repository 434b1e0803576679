"""Grad mode: whether ops record the graph. Per thread, as in PyTorch.

Each mode is one context variable, the single source of truth for the thread
that reads it (a new thread starts with the defaults: grad on, anomaly off).
A context manager saves the previous value on entry and puts it back on exit,
so an exception or a KeyboardInterrupt raised inside the block cannot leave the
mode changed, and no other thread ever sees it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "inference_mode"]

grad_enabled: ContextVar[bool] = ContextVar("grad_enabled", default=True)
anomaly_enabled: ContextVar[bool] = ContextVar("anomaly_enabled", default=False)


def is_grad_enabled() -> bool:
    """True when new operations record the graph for backward (the default; False in ``no_grad``).

    Examples:
        >>> import autograd as ag
        >>> with ag.no_grad():
        ...     print(ag.is_grad_enabled())
        False
    """
    return grad_enabled.get()


class _GradMode:
    """Base of the grad-mode contexts; each also works as a decorator."""

    _enabled: bool

    def __enter__(self) -> None:
        self._prev = grad_enabled.get()
        grad_enabled.set(self._enabled)

    def __exit__(self, *exc: object) -> None:
        grad_enabled.set(self._prev)

    def __call__(self, fn: Callable) -> Callable:
        make = self._clone

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with make():
                return fn(*args, **kwargs)

        return wrapper

    def _clone(self) -> _GradMode:
        return self.__class__()


class no_grad(_GradMode):
    """A context (or decorator) in which operations record no graph: results need no grad.

    Use it for evaluation and for parameter updates, which must not become part of the
    next step's graph. The mode before the block comes back at its end, even on an exception;
    the mode is per thread.

    Examples:
        >>> import autograd as ag
        >>> w = ag.tensor([1.0, 2.0], requires_grad=True)
        >>> with ag.no_grad():
        ...     y = w * 2
        >>> y.requires_grad
        False
        >>> @ag.no_grad()
        ... def evaluate(x):
        ...     return (w * x).sum()
        >>> evaluate(ag.tensor([1.0, 1.0]))
        tensor(3.)
    """

    _enabled = False


class enable_grad(_GradMode):
    """A context (or decorator) that turns graph recording back on, inside ``no_grad``.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0], requires_grad=True)
        >>> with ag.no_grad():
        ...     with ag.enable_grad():
        ...         y = x * 2
        >>> y.requires_grad
        True
    """

    _enabled = True


class inference_mode(_GradMode):
    """``no_grad`` under its other name; ``inference_mode(False)`` turns recording on.

    Examples:
        >>> import autograd as ag
        >>> with ag.inference_mode():
        ...     y = ag.tensor([1.0], requires_grad=True) * 2
        >>> y.requires_grad
        False
    """

    def __init__(self, mode: bool = True):
        self._enabled = not mode

    def _clone(self) -> _GradMode:
        return inference_mode(not self._enabled)


class set_grad_enabled(_GradMode):
    """Turn graph recording on (``True``) or off (``False``): as a call, a context or a decorator.

    Called on its own, it sets the mode at once; with ``with``, the mode before the call
    comes back at the end of the block.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0], requires_grad=True)
        >>> is_training = False
        >>> with ag.set_grad_enabled(is_training):
        ...     y = x * 2
        >>> y.requires_grad, ag.is_grad_enabled()
        (False, True)
    """

    def __init__(self, mode: bool):
        self._enabled = bool(mode)
        self._prev = grad_enabled.get()
        grad_enabled.set(self._enabled)

    def __enter__(self) -> None:
        return None

    def __call__(self, fn: Callable) -> Callable:
        grad_enabled.set(self._prev)  # as a decorator it changes nothing until fn runs
        return super().__call__(fn)

    def _clone(self) -> _GradMode:
        return _Mode(self._enabled)


class _Mode(_GradMode):
    def __init__(self, mode: bool):
        self._enabled = mode
