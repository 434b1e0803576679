"""RMSProp: divide the step by a running root-mean-square of recent gradients."""

from __future__ import annotations

from typing import Any

from autograd.backend import get_array_module

from .optimizer import Optimizer, ParamsT, _check_non_negative, effective_grad, zeros_state

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSProp, as ``torch.optim.RMSprop``.

    For every parameter theta with gradient g_t (learning rate gamma,
    smoothing constant alpha, momentum mu, weight decay lambda)::

        g_t <- -g_t                                   if maximize
        g_t <- g_t + lambda * theta_{t-1}             if lambda != 0
        v_t = alpha * v_{t-1} + (1 - alpha) * g_t^2
        v~_t = v_t
        if centered:
            g^ave_t = g^ave_{t-1} + (1 - alpha) * (g_t - g^ave_{t-1})
            v~_t = v_t - (g^ave_t)^2
        if mu > 0:
            b_t = mu * b_{t-1} + g_t / (sqrt(v~_t) + eps)
            theta_t = theta_{t-1} - gamma * b_t
        else:
            theta_t = theta_{t-1} - gamma * g_t / (sqrt(v~_t) + eps)

    v, g^ave and b start at zero; ``state[p]`` holds ``'step'``,
    ``'square_avg'`` (v), ``'grad_avg'`` (centered) and ``'momentum_buffer'``
    (mu > 0).

    Raises ValueError for a negative ``lr`` (or other invalid option) and TypeError when ``params``
    is a single Tensor rather than an iterable of them.

    Examples:
        >>> import autograd as ag, optim
        >>> w = ag.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim.RMSprop([w], lr=0.01)
        >>> for _ in range(3):
        ...     opt.zero_grad()
        ...     loss = (w ** 2).sum()
        ...     loss.backward()
        ...     opt.step()
        >>> w.detach().round(decimals=4)
        tensor([ 0.7800, -1.7753])
    """

    def __init__(self, params: ParamsT, lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0, momentum: float = 0,
                 centered: bool = False, *, maximize: bool = False):
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        _check_non_negative(group, "eps", "epsilon value")
        _check_non_negative(group, "momentum", "momentum value")
        _check_non_negative(group, "weight_decay", "weight_decay value")
        _check_non_negative(group, "alpha", "alpha value")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, alpha, eps, momentum = group["lr"], group["alpha"], group["eps"], group["momentum"]
        centered, weight_decay = group["centered"], group["weight_decay"]
        maximize = group["maximize"]
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
                if momentum > 0:
                    state["momentum_buffer"] = zeros_state(p)
                if centered:
                    state["grad_avg"] = zeros_state(p)
            state["step"] += 1

            square_avg = state["square_avg"]._array
            scratch = xp.multiply(grad, grad)
            scratch *= 1 - alpha
            square_avg *= alpha
            square_avg += scratch
            if centered:
                grad_avg = state["grad_avg"]._array
                xp.subtract(grad, grad_avg, out=scratch)
                scratch *= 1 - alpha
                grad_avg += scratch
                xp.multiply(grad_avg, grad_avg, out=scratch)
                xp.subtract(square_avg, scratch, out=scratch)
                xp.sqrt(scratch, out=scratch)
            else:
                xp.sqrt(square_avg, out=scratch)
            scratch += eps
            xp.divide(grad, scratch, out=scratch)  # g_t / (sqrt(v~_t) + eps)
            if momentum > 0:
                buffer = state["momentum_buffer"]._array
                buffer *= momentum
                buffer += scratch
                xp.multiply(buffer, lr, out=scratch)
            else:
                scratch *= lr
            theta -= scratch
