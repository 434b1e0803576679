"""Gradient clipping and parameter flattening, as ``torch.nn.utils``.

Clip between ``loss.backward()`` and ``opt.step()``; ``parameters_to_vector`` /
``vector_to_parameters`` move all parameters into one flat vector and back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import autograd as ag

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters"]


def _grads(parameters: Any) -> list[ag.Tensor]:
    if isinstance(parameters, ag.Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters: Iterable[ag.Tensor] | ag.Tensor, max_norm: float,
                    norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach: Any = None) -> ag.Tensor:
    """Scale all gradients together so that their joint norm is at most ``max_norm``.

    The norm is taken over all gradients as one vector, ||g||_p = (sum_i |g_i|^p)^(1/p)
    (the largest |g_i| for p = inf); every gradient is then multiplied in place by
    min(1, max_norm / (||g||_p + 1e-6)). Returns that total norm (before clipping).

    ``parameters`` is a Tensor or an iterable of them (those without ``.grad`` are skipped);
    ``norm_type`` p (2 by default, ``float('inf')`` for the max). With
    ``error_if_nonfinite=True`` a nan or inf total norm raises RuntimeError.

    Examples:
        >>> import autograd as ag, nn
        >>> w = ag.tensor([1.0, 1.0], requires_grad=True)
        >>> (w * ag.tensor([3.0, 4.0])).sum().backward()
        >>> nn.utils.clip_grad_norm_([w], max_norm=1.0)
        tensor(5.)
        >>> w.grad.round(decimals=4)
        tensor([0.6000, 0.8000])
    """
    grads = _grads(parameters)
    max_norm, norm_type = float(max_norm), float(norm_type)
    if not grads:
        return ag.tensor(0.0)
    with ag.no_grad():
        norms = ag.stack([g.norm(norm_type) for g in grads])
        total = norms.norm(norm_type)
        if error_if_nonfinite and not bool(total.isfinite()):
            raise RuntimeError(
                f"The total norm of order {norm_type} for gradients from `parameters` is "
                "non-finite, so it cannot be clipped. To disable this error and scale the "
                "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`"
            )
        scale = (max_norm / (total + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(scale.to(g.dtype))
    return total


def clip_grad_value_(parameters: Iterable[ag.Tensor] | ag.Tensor, clip_value: float,
                     foreach: Any = None) -> None:
    """Clamp every gradient entry into [-clip_value, clip_value], in place.

    Returns None.

    Examples:
        >>> import autograd as ag, nn
        >>> w = ag.tensor([1.0, 1.0], requires_grad=True)
        >>> (w * ag.tensor([3.0, -0.5])).sum().backward()
        >>> nn.utils.clip_grad_value_([w], 1.0)
        >>> w.grad
        tensor([ 1.0000, -0.5000])
    """
    clip_value = float(clip_value)
    with ag.no_grad():
        for g in _grads(parameters):
            g.clamp_(min=-clip_value, max=clip_value)


# --- one flat vector for all parameters -------------------------------------------------------
def _check_same_device(parameters: list[ag.Tensor]) -> None:
    devices = {str(p.device) for p in parameters}
    if len(devices) > 1:
        raise TypeError(
            f"Found parameters on different devices ({', '.join(sorted(devices))}); "
            "move them to one device first"
        )


def parameters_to_vector(parameters: Iterable[ag.Tensor]) -> ag.Tensor:
    """All parameters flattened and joined into one 1-D Tensor (in iteration order).

    The vector is computed by differentiable ops (a reshape per parameter and a
    concatenation), so a loss of it backpropagates into the parameters.

    Examples:
        >>> import autograd as ag, nn
        >>> layer = nn.Linear(3, 2)
        >>> nn.utils.parameters_to_vector(layer.parameters()).shape
        autograd.Size([8])
    """
    if isinstance(parameters, ag.Tensor):
        raise TypeError(
            f"expected an iterable of Tensors (e.g. model.parameters()), got a Tensor of shape "
            f"{tuple(parameters.shape)}"
        )
    parameters = list(parameters)
    _check_same_device(parameters)
    return ag.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: ag.Tensor, parameters: Iterable[ag.Tensor]) -> None:
    """Copy the consecutive slices of the 1-D ``vec`` into the parameters, as PyTorch does.

    Each parameter's data becomes a view of its slice of ``vec``, reshaped to
    the parameter's shape (so, as in PyTorch, the two share memory afterwards).

    A vector whose length is not the parameters' total size raises RuntimeError.

    Examples:
        >>> import autograd as ag, nn
        >>> layer = nn.Linear(3, 2)
        >>> nn.utils.vector_to_parameters(ag.zeros(8), layer.parameters())
        >>> layer.weight
        Parameter containing:
        tensor([[0., 0., 0.],
                [0., 0., 0.]], requires_grad=True)
    """
    if not isinstance(vec, ag.Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    parameters = list(parameters)
    _check_same_device(parameters)
    total = sum(p.numel() for p in parameters)
    if vec.ndim != 1 or vec.numel() != total:
        raise RuntimeError(
            f"vector_to_parameters needs a 1-D vector of {total} elements (the parameters' "
            f"total), got shape {tuple(vec.shape)}"
        )
    pointer = 0
    for p in parameters:
        n = p.numel()
        p._array = vec._array[pointer:pointer + n].reshape(p.shape)
        pointer += n
