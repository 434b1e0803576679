"""Adadelta: step sizes from the ratio of two running root-mean-squares."""

from __future__ import annotations

from typing import Any

from autograd.backend import get_array_module

from .optimizer import Optimizer, ParamsT, _check_non_negative, effective_grad, zeros_state

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler, 2012), as ``torch.optim.Adadelta``.

    For every parameter theta with gradient g_t (learning rate gamma, decay
    rho, weight decay lambda)::

        g_t <- -g_t                                   if maximize
        g_t <- g_t + lambda * theta_{t-1}             if lambda != 0
        v_t = rho * v_{t-1} + (1 - rho) * g_t^2
        Delx_t = sqrt(u_{t-1} + eps) / sqrt(v_t + eps) * g_t
        u_t = rho * u_{t-1} + (1 - rho) * Delx_t^2
        theta_t = theta_{t-1} - gamma * Delx_t

    The step is in the units of theta (a root-mean-square of past steps over
    one of past gradients), hence the default gamma = 1. v and u start at 0;
    ``state[p]`` holds ``'step'``, ``'square_avg'`` (v) and ``'acc_delta'`` (u).
    ``foreach`` is accepted for PyTorch's signature and changes nothing.

    Raises ValueError for a negative ``lr`` (or other invalid option) and TypeError when ``params``
    is a single Tensor rather than an iterable of them.

    Examples:
        >>> import autograd as ag, optim
        >>> w = ag.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim.Adadelta([w], lr=1.0)
        >>> for _ in range(3):
        ...     opt.zero_grad()
        ...     loss = (w ** 2).sum()
        ...     loss.backward()
        ...     opt.step()
        >>> w.detach().round(decimals=4)
        tensor([ 0.9903, -1.9903])
    """

    def __init__(self, params: ParamsT, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: bool | None = None, *,
                 maximize: bool = False):
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        if not 0.0 <= group["rho"] <= 1.0:
            raise ValueError(f"Invalid rho value: {group['rho']} (must be in [0, 1])")
        _check_non_negative(group, "eps", "epsilon value")
        _check_non_negative(group, "weight_decay", "weight_decay value")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, rho, eps = group["lr"], group["rho"], group["eps"]
        weight_decay, maximize = group["weight_decay"], group["maximize"]
        for p in group["params"]:
            if p._grad is None:
                continue
            theta = p._array
            grad = effective_grad(p._grad._array, theta, weight_decay, maximize)
            xp = get_array_module(grad)
            state = self.state[p]
            if not state:
                state["step"] = 0
                state["square_avg"] = zeros_state(p)
                state["acc_delta"] = zeros_state(p)
            state["step"] += 1

            square_avg, acc_delta = state["square_avg"]._array, state["acc_delta"]._array
            scratch = xp.multiply(grad, grad)
            scratch *= 1 - rho
            square_avg *= rho
            square_avg += scratch                       # v_t
            std = xp.add(square_avg, eps)
            xp.sqrt(std, out=std)                       # sqrt(v_t + eps)
            delta = xp.add(acc_delta, eps)
            xp.sqrt(delta, out=delta)                   # sqrt(u_{t-1} + eps)
            delta /= std
            delta *= grad                               # Delx_t
            xp.multiply(delta, delta, out=scratch)
            scratch *= 1 - rho
            acc_delta *= rho
            acc_delta += scratch                        # u_t
            delta *= lr
            theta -= delta
