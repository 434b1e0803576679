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
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of every leaf that requires grad.

    ``backward(loss)`` is ``loss.backward()``. With several tensors their gradients add up:
    the result is the gradient of sum_k <grad_tensors_k, tensors_k>.

    Args:
        tensors: one Tensor or a sequence of them.
        grad_tensors: one gradient per tensor, of its shape (None for a one-element tensor,
            which gets 1).
        retain_graph: keep the graph for another backward (default: ``create_graph``).
        create_graph: record the backward pass, so that the gradients can be differentiated.
        inputs: only these tensors' ``.grad`` change.

    Raises:
        RuntimeError: the numbers of tensors and gradients differ, or ``inputs`` is empty.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
        >>> ag.backward([x.sum(), (x * x).sum()])
        >>> x.grad
        tensor([3., 5.])
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
    """Backpropagate from this tensor: add d self / d leaf into ``leaf.grad`` for every leaf.

    Every leaf that requires grad and that self depends on gets the gradient added to its
    ``.grad`` (gradients accumulate over calls). The graph is freed afterwards unless
    ``retain_graph=True``.

    Args:
        gradient: dL/dself, of self's shape; may be left out when self has one element (1).
        retain_graph: keep the graph for another backward (default: ``create_graph``).
        create_graph: record the backward pass, for gradients of gradients.
        inputs: only these tensors' ``.grad`` change.

    Raises:
        RuntimeError: self has several elements and no ``gradient`` is given, self does not
            require grad, or the graph was already freed by an earlier backward.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> y = (x ** 2).sum()
        >>> y.backward()
        >>> x.grad
        tensor([2., 4., 6.])
        >>> (x * 2).backward(ag.tensor([1.0, 0.0, 1.0]))
        >>> x.grad
        tensor([4., 4., 8.])
    """
    if retain_graph is None:
        retain_graph = create_graph
    run_backward([self], [gradient], retain_graph, create_graph, accumulate_into=inputs)
