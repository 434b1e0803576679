"""The user's entry points to the engine: ``ag.grad``, ``ag.backward`` and
``Tensor.backward``. Each checks its arguments, turns them into lists and hands them to
:func:`autograd.engine.run_backward`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .engine import run_backward
from .tensor import Tensor

__all__ = ["grad", "backward", "tensor_backward"]


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Any, ...]:
    """The gradients of ``outputs`` with respect to ``inputs``, returned as a tuple.

    Unlike ``backward``, nothing is added to any ``.grad``. ``grad(y, x)`` is dy/dx for a
    one-element ``y``; for a bigger ``y`` pass ``grad_outputs`` (dL/dy, y's shape).

    Args:
        outputs, inputs: a Tensor or a sequence of Tensors each.
        grad_outputs: one gradient per output (None for one-element outputs: 1).
        retain_graph: keep the graph for another pass (default: ``create_graph``).
        create_graph: make the result differentiable (second derivatives, Hessian-vector
            products).
        allow_unused: give None for an input the outputs do not depend on, instead of raising.

    Returns:
        A tuple with one gradient per input, each of that input's shape.

    Raises:
        RuntimeError: an input was not used (unless ``allow_unused``), or the numbers of
            outputs and ``grad_outputs`` differ.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
        >>> y = (x ** 3).sum()
        >>> (g,) = ag.grad(y, x, create_graph=True)
        >>> g
        tensor([ 3., 12.], grad_fn=<MulBackward0>)
        >>> ag.grad(g.sum(), x)
        (tensor([ 6., 12.]),)
    """
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs]
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(
            f"grad_outputs has {len(grad_outputs)} entries but outputs has {len(outputs)}"
        )
    if retain_graph is None:
        retain_graph = create_graph
    result = run_backward(outputs, grad_outputs, retain_graph, create_graph, inputs=inputs)
    out = []
    given: set[int] = set()
    for i, g in enumerate(result):
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"input {i} was not used in the graph of the outputs; pass "
                    "allow_unused=True to get None for it"
                )
            out.append(None)
        elif isinstance(g, Tensor):
            out.append(g)
        else:
            # Each result gets a writable array of its own: not a numpy scalar, not a
            # (read-only) broadcast view, not the array another result holds.
            if isinstance(g, np.generic):
                g = np.asarray(g)
            elif g.base is not None or id(g) in given:
                g = g.copy()
            given.add(id(g))
            out.append(Tensor(g))
    return tuple(out)


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
