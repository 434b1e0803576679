"""Whole-function derivatives, as ``torch.autograd.functional``: jacobian, hessian, vjp, jvp.

Each takes a Python function ``func`` and the point ``inputs`` (a Tensor or a
tuple of Tensors) and differentiates ``func`` there, all by reverse mode:

- ``vjp``: v^T J, one backward pass;
- ``jvp``: J v, by the double-vjp trick: g(u) = u^T J is linear in u, so
  the vjp of g with vector v is (J v)^T; two backward passes;
- ``jacobian``: J, one backward pass per output element (one row at a time);
- ``hessian``: the jacobian of the gradient.

Results keep PyTorch's structure: a Tensor where ``inputs`` (and the output)
were single Tensors, a tuple where they were tuples, a tuple (over outputs)
of tuples (over inputs) for the jacobian when both were. Without
``create_graph`` every result is detached; with it the results can be
differentiated again. An input the output does not depend on gets zeros,
or a RuntimeError when ``strict=True``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import creation
from .grad_mode import enable_grad
from .grads import grad as _grad
from .ops.shape import stack
from .tensor import Tensor

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]


# --- helpers ------------------------------------------------------------------------------------
def _as_tuple(x: Any, what: str, fn_name: str) -> tuple[bool, tuple[Tensor, ...]]:
    """(was it a tuple, the Tensors as a tuple); a TypeError names anything that is no Tensor."""
    is_tuple = isinstance(x, (tuple, list))
    items = tuple(x) if is_tuple else (x,)
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            where = f"The {what} given to {fn_name}"
            raise TypeError(
                f"{where} must be either a Tensor or a tuple of Tensors but the value at "
                f"index {i} has type {type(t).__name__}." if is_tuple else
                f"{where} must be either a Tensor or a tuple of Tensors but the given {what} "
                f"has type {type(t).__name__}."
            )
    return is_tuple, items


def _prepare_inputs(inputs: tuple[Tensor, ...], create_graph: bool) -> tuple[Tensor, ...]:
    """Fresh inputs that require grad: cut from the caller's graph unless ``create_graph``."""
    out = []
    for t in inputs:
        if create_graph and t.requires_grad:
            out.append(t.view_as(t))  # still linked to the caller's graph: differentiable again
        else:
            out.append(t.detach().requires_grad_(True))
    return tuple(out)


def _finish(results: tuple, create_graph: bool) -> tuple:
    """Detach the results unless ``create_graph`` (nested tuples are walked)."""
    if isinstance(results, tuple):
        return tuple(_finish(r, create_graph) for r in results)
    return results if create_graph else results.detach()


def _unpack(results: tuple, is_tuple: bool | tuple[bool, bool]) -> Any:
    """PyTorch's result structure: drop the tuple levels the caller did not use."""
    if isinstance(is_tuple, bool):
        return results if is_tuple else results[0]
    outer, inner = is_tuple
    if not inner:
        results = tuple(r[0] for r in results)
    return results if outer else results[0]


def _vector_like(v: Any, like: tuple[Tensor, ...], what: str, fn_name: str) -> tuple[Tensor, ...]:
    """``v`` as a tuple of Tensors shaped like ``like``; None only where ``like`` is one element."""
    if v is None:
        if len(like) != 1 or like[0].numel() != 1:
            raise RuntimeError(
                f"The vector v can only be None if the {what} of the user-provided function "
                f"is a single Tensor with a single element (got shapes "
                f"{[tuple(t.shape) for t in like]})."
            )
        return (creation.ones_like(like[0]),)
    _, v = _as_tuple(v, "v", fn_name)
    if len(v) != len(like):
        raise RuntimeError(
            f"v is a tuple of invalid length: should be {len(like)} but got {len(v)}."
        )
    for i, (vi, t) in enumerate(zip(v, like, strict=True)):
        if tuple(vi.shape) != tuple(t.shape):
            raise RuntimeError(
                f"Mismatch in size for v at index {i}: expected the shape of the {what} "
                f"{tuple(t.shape)}, got {tuple(vi.shape)}."
            )
    return tuple(vi.detach() for vi in v)


def _grads(outputs: tuple[Tensor, ...], inputs: tuple[Tensor, ...], grad_outputs: Any,
           create_graph: bool, strict: bool, what: str) -> tuple[Tensor, ...]:
    """d(sum_i <grad_outputs_i, outputs_i>)/d inputs; zeros (or an error) for unused inputs."""
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs, strict=True) if o.requires_grad]
    if pairs:
        found = _grad([o for o, _ in pairs], list(inputs), [g for _, g in pairs],
                      retain_graph=True, create_graph=create_graph, allow_unused=True)
    else:
        found = (None,) * len(inputs)
    result = []
    for i, (g, t) in enumerate(zip(found, inputs, strict=True)):
        if g is None:
            if strict:
                raise RuntimeError(
                    f"The output of the user-provided function is independent of input {i}. "
                    f"This is not allowed in strict mode (computing the {what})."
                )
            g = creation.zeros_like(t)
        result.append(g)
    return tuple(result)


def _call(func: Callable, inputs: tuple[Tensor, ...], fn_name: str) -> tuple[bool, tuple]:
    with enable_grad():
        out = func(*inputs)
    return _as_tuple(out, "outputs of the user-provided function", fn_name)


# --- the four functions -------------------------------------------------------------------------
def vjp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """(func(inputs), v^T J): the vector-Jacobian product at ``inputs``.

    ``v`` has the output's shape (it may be None when the output has one
    element); the product has the inputs' structure.

    Examples:
        >>> import autograd as ag
        >>> from autograd.functional import vjp
        >>> vjp(lambda x: x ** 2, ag.tensor([1.0, 2.0]), ag.tensor([1.0, 1.0]))
        (tensor([1., 4.]), tensor([2., 4.]))
    """
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
    inputs = _prepare_inputs(inputs, create_graph)
    is_outputs_tuple, outputs = _call(func, inputs, "vjp")
    v = _vector_like(v, outputs, "output", "vjp")
    result = _grads(outputs, inputs, v, create_graph, strict, "vector-Jacobian product")
    return (_unpack(_finish(outputs, create_graph), is_outputs_tuple),
            _unpack(_finish(result, create_graph), is_inputs_tuple))


def jvp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """(func(inputs), J v): the Jacobian-vector product at ``inputs``, by reverse mode.

    ``v`` has the inputs' shape (it may be None when the input is one
    element); the product has the output's structure. The double-vjp trick:
    with u a dummy vector shaped like the output, g(u) = u^T J is linear in u,
    and the vjp of g with v is d(g . v)/du = J v.

    Examples:
        >>> import autograd as ag
        >>> from autograd.functional import jvp
        >>> jvp(lambda x: x ** 2, ag.tensor([1.0, 2.0]), ag.tensor([1.0, 0.0]))
        (tensor([1., 4.]), tensor([2., 0.]))
    """
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
    inputs = _prepare_inputs(inputs, create_graph)
    v = _vector_like(v, inputs, "input", "jvp")
    is_outputs_tuple, outputs = _call(func, inputs, "jvp")
    dummies = tuple(creation.zeros_like(o).requires_grad_(True) for o in outputs)
    with enable_grad():
        g = _grads(outputs, inputs, dummies, True, strict, "Jacobian-vector product")
        used = [(gi, vi) for gi, vi in zip(g, v, strict=True) if gi.requires_grad]
    if used:
        found = _grad([gi for gi, _ in used], list(dummies), [vi for _, vi in used],
                      retain_graph=True, create_graph=create_graph, allow_unused=True)
    else:
        found = (None,) * len(dummies)
    result = []
    for i, (r, o) in enumerate(zip(found, outputs, strict=True)):
        if r is None:
            if strict:
                raise RuntimeError(
                    f"The output {i} of the user-provided function is independent of the "
                    "inputs. This is not allowed in strict mode."
                )
            r = creation.zeros_like(o)
        result.append(r)
    return (_unpack(_finish(outputs, create_graph), is_outputs_tuple),
            _unpack(_finish(tuple(result), create_graph), is_outputs_tuple))


def jacobian(func: Callable, inputs: Any, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode") -> Any:
    """The Jacobian of ``func`` at ``inputs``: d output_i / d input_j, shaped out_i + in_j.

    Single output and input: one Tensor of shape ``out.shape + in.shape``; a
    tuple of inputs: a tuple over the inputs; a tuple of outputs: a tuple over
    the outputs (of tuples over the inputs, if those were a tuple too). One
    backward pass per output element (``vectorize`` is accepted and gives the
    same numbers; only reverse mode is implemented).

    Examples:
        >>> import autograd as ag
        >>> from autograd.functional import jacobian
        >>> jacobian(lambda x: x ** 2, ag.tensor([1.0, 2.0, 3.0]))
        tensor([[2., 0., 0.],
                [0., 4., 0.],
                [0., 0., 6.]])
    """
    if strategy != "reverse-mode":
        raise NotImplementedError(
            f"jacobian: only strategy='reverse-mode' is implemented here, got {strategy!r}"
        )
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    inputs = _prepare_inputs(inputs, create_graph)
    is_outputs_tuple, outputs = _call(func, inputs, "jacobian")

    blocks = []  # blocks[i][j] = d outputs[i] / d inputs[j]
    for i, out in enumerate(outputs):
        flat = out.reshape(-1)
        rows: list[list[Tensor]] = [[] for _ in inputs]
        for k in range(flat.shape[0]):
            if out.requires_grad:
                found = _grad([flat[k]], list(inputs), retain_graph=True,
                              create_graph=create_graph, allow_unused=True)
            else:
                found = (None,) * len(inputs)
            for j, (g, t) in enumerate(zip(found, inputs, strict=True)):
                if g is None:
                    if strict:
                        raise RuntimeError(
                            f"Output {i} of the user-provided function is independent of "
                            f"input {j}. This is not allowed in strict mode."
                        )
                    g = creation.zeros_like(t)
                rows[j].append(g)
        blocks.append(tuple(
            (stack(r) if r else creation.zeros(0, *t.shape, dtype=t.dtype, device=t.device))
            .reshape(*out.shape, *t.shape)
            for r, t in zip(rows, inputs, strict=True)
        ))
    return _unpack(_finish(tuple(blocks), create_graph), (is_outputs_tuple, is_inputs_tuple))


def hessian(func: Callable, inputs: Any, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The Hessian of a scalar ``func`` at ``inputs``: the jacobian of its gradient.

    One input: a Tensor of shape ``in.shape + in.shape``; a tuple of inputs: a
    tuple of tuples, ``H[i][j] = d^2 f / d in_i d in_j``.

    Examples:
        >>> import autograd as ag
        >>> from autograd.functional import hessian
        >>> hessian(lambda x: (x[0] ** 2) * x[1], ag.tensor([1.0, 3.0]))
        tensor([[6., 2.],
                [2., 0.]])
    """
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")

    def single_output(*inp: Tensor) -> Tensor:
        out = func(*inp)
        if not isinstance(out, Tensor):
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.numel() != 1:
            raise RuntimeError(
                "The Tensor returned by the function given to hessian should contain a single "
                f"element, got shape {tuple(out.shape)}"
            )
        return out.reshape(())

    def gradient(*inp: Tensor) -> tuple[Tensor, ...]:
        return jacobian(single_output, inp, create_graph=True, strict=strict)

    result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict,
                      strategy=outer_jacobian_strategy)
    return _unpack(result, (is_inputs_tuple, is_inputs_tuple))


def vhp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """(func(inputs), v^T H): a vector-Hessian product of a scalar ``func``, two backward passes.

    Examples:
        >>> import autograd as ag
        >>> from autograd.functional import vhp
        >>> vhp(lambda x: (x ** 3).sum(), ag.tensor([1.0, 2.0]), ag.tensor([1.0, 1.0]))
        (tensor(9.), tensor([ 6., 12.]))
    """
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vhp")
    inputs = _prepare_inputs(inputs, create_graph)
    v = _vector_like(v, inputs, "input", "vhp")
    _, outputs = _call(func, inputs, "vhp")
    if len(outputs) != 1 or outputs[0].numel() != 1:
        raise RuntimeError("The function given to vhp should return a single Tensor with a "
                           "single element")
    with enable_grad():
        g = _grads(outputs, inputs, (creation.ones_like(outputs[0]),), True, strict, "gradient")
    g_used = tuple(gi for gi in g if gi.requires_grad)
    result = _grads(g, inputs, v, create_graph, strict, "vector-Hessian product") if g_used \
        else tuple(creation.zeros_like(t) for t in inputs)
    return (_finish(outputs[0], create_graph), _unpack(_finish(result, create_graph),
                                                       is_inputs_tuple))


def hvp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """(func(inputs), H v): for a scalar ``func`` H is symmetric, so H v = (v^T H)^T.

    Examples:
        >>> import autograd as ag
        >>> from autograd.functional import hvp
        >>> hvp(lambda x: (x ** 3).sum(), ag.tensor([1.0, 2.0]), ag.tensor([1.0, 0.0]))
        (tensor(9.), tensor([6., 0.]))
    """
    return vhp(func, inputs, v, create_graph, strict)
