"""Gradient clipping, as ``torch.nn.utils``: call between ``loss.backward()`` and ``opt.step()``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import autograd as ag

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


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
    """Clamp every gradient entry into [-clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    with ag.no_grad():
        for g in _grads(parameters):
            g.clamp_(min=-clip_value, max=clip_value)
