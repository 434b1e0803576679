"""Stochastic gradient descent, with momentum and Nesterov momentum."""

from __future__ import annotations

from typing import Any

import autograd as ag
from autograd.dtypes import scalar_like

from .optimizer import Optimizer, ParamsT, _check_non_negative, effective_grad

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Gradient descent, as ``torch.optim.SGD``.

    For every parameter theta with gradient g_t = dL/dtheta (learning rate
    gamma, momentum mu, dampening tau, weight decay lambda)::

        g_t <- -g_t                                   if maximize
        g_t <- g_t + lambda * theta_{t-1}             if lambda != 0
        if mu != 0:
            b_t <- g_t                                at the first step
            b_t <- mu * b_{t-1} + (1 - tau) * g_t     afterwards
            g_t <- g_t + mu * b_t                     if nesterov
            g_t <- b_t                                otherwise
        theta_t <- theta_{t-1} - gamma * g_t

    With mu = 0 this is the lecture's gradient descent,
    W_new = W_old - alpha * dL/dW and b_new = b_old - alpha * dL/db, where the
    learning rate alpha is ``lr`` (gamma in PyTorch's documentation).
    Momentum keeps a running sum of past steps (the buffer b, in
    ``state[p]['momentum_buffer']``); Nesterov looks ahead along it.

    ``nesterov=True`` needs ``momentum > 0`` and ``dampening=0`` (ValueError otherwise);
    ``maximize=True`` climbs the objective instead. Raises ValueError for a negative ``lr`` (or
    other invalid option) and TypeError when ``params`` is a single Tensor rather than an iterable
    of them.

    Below, L = w_1^2 + w_2^2 from w = (1, -2): three steps of the lecture's update
    w <- w - 0.1 * 2w, then three with Nesterov momentum.

    Examples:
        >>> import autograd as ag, optim
        >>> w = ag.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim.SGD([w], lr=0.1)
        >>> for _ in range(3):
        ...     opt.zero_grad()
        ...     loss = (w ** 2).sum()
        ...     loss.backward()
        ...     opt.step()
        >>> w.detach().round(decimals=4)
        tensor([ 0.5120, -1.0240])
        >>> w = ag.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim.SGD([w], lr=0.1, momentum=0.9, nesterov=True)
        >>> for _ in range(3):
        ...     opt.zero_grad()
        ...     (w ** 2).sum().backward()
        ...     opt.step()
        >>> w.detach().round(decimals=4)
        tensor([-0.1084,  0.2167])
        >>> list(opt.state[w])
        ['momentum_buffer']
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0, nesterov: bool = False, *,
                 maximize: bool = False):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize)
        super().__init__(params, defaults)

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        _check_non_negative(group, "momentum", "momentum value")
        _check_non_negative(group, "weight_decay", "weight_decay value")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
        weight_decay, nesterov = group["weight_decay"], group["nesterov"]
        maximize = group["maximize"]
        if momentum == 0 and weight_decay == 0 and not maximize:
            # The lecture's step, theta <- theta - lr g: the same update as below, without
            # its per-parameter bookkeeping (what a tiny network's step time is made of).
            for p in group["params"]:
                grad = p._grad
                if grad is not None:
                    theta = p._array
                    theta -= grad._array * scalar_like(lr, theta)  # same bits as * lr, faster
            return
        for p in group["params"]:
            if p._grad is None:
                continue
            theta = p._array
            grad = effective_grad(p._grad._array, theta, weight_decay, maximize)
            update = grad
            if momentum != 0:
                state = self.state[p]
                buffer = state.get("momentum_buffer")
                if buffer is None:  # b_1 = g_1
                    buffer = state["momentum_buffer"] = ag.as_tensor(grad.copy())
                    b = buffer._array
                else:  # b_t = mu b_{t-1} + (1 - tau) g_t, in place
                    b = buffer._array
                    b *= momentum
                    b += grad if dampening == 0 else grad * (1 - dampening)
                if nesterov:
                    update = b * momentum
                    update += grad
                else:
                    update = b
            theta -= update * lr
