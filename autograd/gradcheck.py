"""Finite-difference checks of gradients, in float64, as ``torch.autograd.gradcheck``.

``gradcheck`` compares the Jacobian that backward computes with central
differences (f(x + eps) - f(x - eps)) / (2 eps), element by element. For big
inputs, ``fast_mode=True`` compares one random directional derivative
u^T J v instead, which costs two extra forward passes whatever the size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import backend
from .grad_mode import enable_grad, no_grad
from .grads import grad as _grad
from .tensor import Tensor

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """The analytical and numerical gradients disagree (or the inputs cannot be checked).

    A RuntimeError; its message names the input and the element where the gradients differ
    most, with both values.

    Examples:
        >>> import autograd as ag
        >>> class BadSquare(ag.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x * x
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         (x,) = ctx.saved_tensors
        ...         return grad * x  # should be 2 x
        >>> x = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
        >>> ag.gradcheck(BadSquare.apply, (x,))
        Traceback (most recent call last):
            ...
        autograd.gradcheck.GradcheckError: Jacobian mismatch for input 0 at element (1,)
        (output element 1): numerical 4, analytical 2 (atol=1e-05, rtol=0.001)
        >>> ag.gradcheck(BadSquare.apply, (x,), raise_exception=False)
        False
    """


def _prepare(inputs: Any) -> tuple[list[Any], list[int]]:
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    prepared, diff = [], []
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor) and x.requires_grad:
            if x._array.dtype != np.float64:
                raise GradcheckError(
                    f"gradcheck: input {i} is {x.dtype}; finite differences need float64 "
                    "inputs (make them with dtype=ag.float64 or .double())"
                )
            prepared.append(Tensor(backend.to_numpy(x._array).copy(), requires_grad=True,
                                   device=x.device))
            diff.append(i)
        else:
            prepared.append(x)
    if not diff:
        raise GradcheckError("gradcheck: no input requires grad, so there is nothing to check")
    return prepared, diff


def _outputs(fn: Callable, inputs: list[Any]) -> list[Tensor]:
    out = fn(*inputs)
    outs = [out] if isinstance(out, Tensor) else list(out)
    return [o for o in outs if isinstance(o, Tensor)]


def _flat_out(fn: Callable, inputs: list[Any]) -> np.ndarray:
    with no_grad():
        outs = _outputs(fn, inputs)
    return np.concatenate([backend.to_numpy(o._array).astype(np.float64).ravel() for o in outs])


def gradcheck(
    fn: Callable,
    inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    fast_mode: bool = False,
    seed: int = 0,
) -> bool:
    """True if backward's gradients of ``fn(*inputs)`` match finite differences.

    Each element of the Jacobian that backward computes is compared with the central
    difference (f(x + eps) - f(x - eps)) / (2 eps); they match when
    |analytical - numerical| <= atol + rtol |numerical|. ``fast_mode=True`` compares one
    random directional derivative u^T J v instead (cheaper for big inputs).

    Args:
        fn: a function of the inputs returning a Tensor or a tuple of Tensors.
        inputs: a Tensor or a tuple of arguments; those with ``requires_grad=True`` are checked
            and must be float64.
        raise_exception: on a mismatch, raise (True) or return False.

    Raises:
        GradcheckError: (a RuntimeError) an input is not float64, no input requires grad, or
            the gradients disagree: the message names the input and the worst element.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([0.5, -1.0, 2.0], dtype=ag.float64, requires_grad=True)
        >>> ag.gradcheck(ag.sigmoid, (x,))
        True
        >>> ag.gradcheck(lambda a: a * a, (x.detach().float().requires_grad_(),))
        Traceback (most recent call last):
            ...
        autograd.gradcheck.GradcheckError: gradcheck: input 0 is autograd.float32; finite ...
    """
    inputs, diff = _prepare(inputs)
    try:
        if fast_mode:
            _check_directional(fn, inputs, diff, eps, atol, rtol, seed)
        else:
            _check_full(fn, inputs, diff, eps, atol, rtol)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def _analytical_rows(fn: Callable, inputs: list[Any], diff: list[int]) -> list[np.ndarray]:
    """J[:, input i] for each input, one backward per output element."""
    outs = _outputs(fn, inputs)
    sizes = [o._array.size for o in outs]
    total = sum(sizes)
    jac = [np.zeros((total, inputs[i]._array.size)) for i in diff]
    row = 0
    for k, o in enumerate(outs):
        for j in range(sizes[k]):
            if not o.requires_grad:
                row += 1
                continue
            seed = np.zeros(o._array.size, dtype=o._array.dtype)
            seed[j] = 1
            seed_t = Tensor(seed.reshape(o.shape), device=o.device)
            grads = _grad([o], [inputs[i] for i in diff], [seed_t], retain_graph=True,
                          allow_unused=True)
            for c, g in enumerate(grads):
                if g is not None:
                    jac[c][row] = backend.to_numpy(g._array).ravel()
            row += 1
    return jac


def _check_full(fn, inputs, diff, eps, atol, rtol) -> None:
    analytical = _analytical_rows(fn, inputs, diff)
    for c, i in enumerate(diff):
        x = inputs[i]
        flat = x._array.reshape(-1)
        numerical = np.zeros_like(analytical[c])
        for j in range(flat.size):
            orig = flat[j].item()
            flat[j] = orig + eps
            plus = _flat_out(fn, inputs)
            flat[j] = orig - eps
            minus = _flat_out(fn, inputs)
            flat[j] = orig
            numerical[:, j] = (plus - minus) / (2 * eps)
        _compare(analytical[c], numerical, i, x.shape, atol, rtol)


def _compare(analytical: np.ndarray, numerical: np.ndarray, i: int, shape: tuple,
             atol: float, rtol: float) -> None:
    err = np.abs(analytical - numerical) - (atol + rtol * np.abs(numerical))
    if np.all(err <= 0) and np.all(np.isfinite(analytical) == np.isfinite(numerical)):
        return
    bad = np.nan_to_num(err, nan=np.inf)
    out_idx, in_idx = np.unravel_index(int(np.argmax(bad)), bad.shape)
    where = np.unravel_index(in_idx, shape) if shape else ()
    raise GradcheckError(
        f"Jacobian mismatch for input {i} at element {tuple(int(w) for w in where)} "
        f"(output element {int(out_idx)}): numerical {numerical[out_idx, in_idx]:.6g}, "
        f"analytical {analytical[out_idx, in_idx]:.6g} (atol={atol}, rtol={rtol})"
    )


def _check_directional(fn, inputs, diff, eps, atol, rtol, seed) -> None:
    rng = np.random.default_rng(seed)
    outs = _outputs(fn, inputs)
    us = [Tensor(rng.standard_normal(o.shape), device=o.device) for o in outs]
    vs = {i: rng.standard_normal(inputs[i].shape) for i in diff}
    grads = _grad(outs, [inputs[i] for i in diff], us, allow_unused=True)
    u_flat = np.concatenate([backend.to_numpy(u._array).ravel() for u in us])
    for c, i in enumerate(diff):
        g = grads[c]
        analytical = 0.0 if g is None else float((backend.to_numpy(g._array) * vs[i]).sum())
        x = inputs[i]
        orig = x._array.copy()
        step = backend.asarray(vs[i], device=x.device)
        x._array[...] = orig + eps * step
        plus = _flat_out(fn, inputs) @ u_flat
        x._array[...] = orig - eps * step
        minus = _flat_out(fn, inputs) @ u_flat
        x._array[...] = orig
        numerical = (plus - minus) / (2 * eps)
        if not abs(analytical - numerical) <= atol + rtol * abs(numerical):
            raise GradcheckError(
                f"directional derivative mismatch for input {i}: numerical {numerical:.6g}, "
                f"analytical {analytical:.6g} (atol={atol}, rtol={rtol})"
            )


def gradgradcheck(fn: Callable, inputs: Sequence[Any], eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, seed: int = 0) -> bool:
    """True if second derivatives match finite differences: :func:`gradcheck` of
    x -> d(u . fn(x))/dx, built with ``create_graph=True`` (u a fixed random vector).

    The inputs that require grad must be float64; raises :class:`GradcheckError` on a mismatch.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([0.5, -1.0], dtype=ag.float64, requires_grad=True)
        >>> ag.gradgradcheck(ag.tanh, (x,))
        True
    """
    inputs, diff = _prepare(inputs)
    rng = np.random.default_rng(seed)
    us = [Tensor(rng.standard_normal(o.shape), device=o.device) for o in _outputs(fn, inputs)]

    def first_grads(*xs: Any) -> tuple:
        with enable_grad():
            outs = _outputs(fn, list(xs))
            gs = _grad(outs, [xs[i] for i in diff], us, create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(first_grads, inputs, eps=eps, atol=atol, rtol=rtol)
