"""Tensor hooks: ``t.register_hook(fn)`` calls ``fn(grad)`` when backward reaches ``t``.

As in PyTorch, the hook gets dL/dt as a Tensor and may return a replacement
(a Tensor of the same shape) or None to keep it; ``handle.remove()`` takes it
off again. On a non-leaf the hook runs before the gradient flows on through
the op that made ``t`` (and before ``retain_grad`` keeps it); on a leaf it
runs once on the leaf's whole gradient, before that is added into ``.grad``.

Where they live: a non-leaf's hooks on the node that made it (``grad_fn``), a
leaf's in :data:`leaf_hooks`, keyed by the tensor's id and dropped when the
tensor is. The engine looks for hooks only once any was registered
(:data:`any_hooks`), so a backward without hooks pays nothing.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable
from typing import Any

from .grad_mode import grad_enabled
from .tensor import Tensor

__all__ = ["RemovableHandle", "register_hook", "run_hooks", "hooks_of_leaf"]

any_hooks = False  # True once any hook was registered: the engine looks only then
leaf_hooks: dict[int, tuple[Any, dict[int, Callable]]] = {}  # id(leaf): (weakref, hooks)
_ids = itertools.count()


class RemovableHandle:
    """What ``register_hook`` returns: ``handle.remove()`` unregisters the hook."""

    __slots__ = ("_hooks", "id")

    def __init__(self, hooks: dict[int, Callable]):
        self._hooks = hooks
        self.id = next(_ids)

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def register_hook(tensor: Any, hook: Callable) -> RemovableHandle:
    """Call ``hook(grad)`` whenever backward computes the gradient of ``tensor``.

    The hook receives the gradient (a Tensor of tensor's shape); if it returns a Tensor, that
    replaces the gradient for the rest of backward (for a leaf, what goes into ``.grad``).
    Returns a handle whose ``remove()`` takes the hook away.

    Raises:
        RuntimeError: the tensor does not require grad.
        TypeError: ``hook`` is not callable.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
        >>> h = x.register_hook(lambda g: g * 10)
        >>> (x * x).sum().backward()
        >>> x.grad
        tensor([20., 40.])
        >>> h.remove()
    """
    global any_hooks
    if not tensor.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if not callable(hook):
        raise TypeError(f"register_hook() expects a callable, got {type(hook).__name__}")
    node = tensor.grad_fn
    if node is not None:
        hooks = node._hooks
        if hooks is None:
            hooks = node._hooks = {}
    else:
        key = id(tensor)
        entry = leaf_hooks.get(key)
        if entry is None or entry[0]() is not tensor:
            forget = lambda _, k=key: leaf_hooks.pop(k, None)  # noqa: E731 - once it is gone
            entry = leaf_hooks[key] = (weakref.ref(tensor, forget), {})
        hooks = entry[1]
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    any_hooks = True
    return handle


def hooks_of_leaf(leaf: Any) -> dict[int, Callable] | None:
    """The hooks registered on ``leaf`` (None when it has none)."""
    entry = leaf_hooks.get(id(leaf))
    if entry is None or entry[0]() is not leaf or not entry[1]:
        return None
    return entry[1]


def run_hooks(hooks: dict[int, Callable], grad: Any) -> Any:
    """``grad`` passed through each hook in the order registered. Arrays (a plain backward)
    are shown to the hooks as Tensors and come back as arrays; Tensors (create_graph) stay."""
    as_array = not isinstance(grad, Tensor)
    g = Tensor(grad) if as_array else grad
    # hooks of a plain backward run without recording, as PyTorch's do
    token = grad_enabled.set(False) if as_array else None
    try:
        return _run_each(hooks, g, as_array)
    finally:
        if token is not None:
            grad_enabled.reset(token)


def _run_each(hooks: dict[int, Callable], g: Any, as_array: bool) -> Any:
    for hook in list(hooks.values()):
        out = hook(g)
        if out is None:
            continue
        if not isinstance(out, Tensor):
            raise TypeError(f"a tensor hook must return a Tensor or None, got "
                            f"{type(out).__name__}")
        if tuple(out.shape) != tuple(g.shape):
            raise RuntimeError(
                f"hook {getattr(hook, '__name__', hook)!r} has changed the size of value: "
                f"expected {tuple(g.shape)}, got {tuple(out.shape)}"
            )
        g = out
    return g._array if as_array else g
