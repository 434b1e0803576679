"""``autograd.autograd``: the names of ``torch.autograd``, for programs that use them dotted.

``from autograd.autograd import Function`` (as ``from torch.autograd import
Function``), ``ag.autograd.grad(...)``, ``ag.autograd.backward(...)`` and
``ag.autograd.functional.jacobian(...)`` reach the same objects as ``ag.Function``,
``ag.grad``, ``ag.backward`` and ``ag.functional``. ``Tensor.backward`` is
:func:`tensor_backward`, here beside ``backward``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import functional
from .anomaly import detect_anomaly, set_detect_anomaly
from .engine import grad, run_backward
from .function import Function, FunctionCtx
from .grad_mode import enable_grad, no_grad, set_grad_enabled
from .gradcheck import gradcheck, gradgradcheck
from .tensor import Tensor

__all__ = ["Function", "FunctionCtx", "grad", "backward", "functional", "gradcheck",
           "gradgradcheck", "no_grad", "enable_grad", "set_grad_enabled", "detect_anomaly",
           "set_detect_anomaly"]


def backward(tensors: Tensor | Sequence[Tensor], grad_tensors: Any = None,
             retain_graph: bool | None = None, create_graph: bool = False,
             inputs: Tensor | Sequence[Tensor] | None = None) -> None:
    """Accumulate d(sum_k <grad_tensors_k, tensors_k>)/d leaf into every leaf's ``.grad``.

    As ``torch.autograd.backward``: ``tensors`` is one Tensor or several (their
    gradients add up); ``grad_tensors`` gives one gradient per tensor (None for
    a one-element tensor, which gets 1). ``t.backward(g)`` is
    ``backward(t, g)``. With ``inputs``, only those tensors' ``.grad`` change.
    """
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    if grad_tensors is None:
        grad_tensors = [None] * len(tensors)
    elif isinstance(grad_tensors, Tensor):
        grad_tensors = [grad_tensors]
    else:
        grad_tensors = list(grad_tensors)
    if len(grad_tensors) != len(tensors):
        raise RuntimeError(
            f"got {len(tensors)} tensors and {len(grad_tensors)} gradients; pass one gradient "
            "per tensor (None for a one-element tensor)"
        )
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is None:
        run_backward(tensors, grad_tensors, retain_graph, create_graph)
        return
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if not inputs:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    found = grad(tensors, inputs, grad_tensors, retain_graph=retain_graph,
                 create_graph=create_graph, allow_unused=True)
    for t, g in zip(inputs, found, strict=True):
        if g is not None:
            t.grad = g if t.grad is None else t.grad + g


def tensor_backward(self: Tensor, gradient: Any = None, retain_graph: bool | None = None,
                    create_graph: bool = False, inputs: Any = None) -> None:
    """``loss.backward()``: d self / d leaf into ``leaf.grad`` for every leaf that requires
    grad. ``gradient`` is dL/dself (needed unless self has one element); with ``inputs``,
    only those tensors' ``.grad`` change; ``retain_graph`` keeps the graph for another pass."""
    if retain_graph is None:
        retain_graph = create_graph
    run_backward([self], [gradient], retain_graph, create_graph, accumulate_into=inputs)
