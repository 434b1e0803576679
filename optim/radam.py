"""RAdam: Adam whose adaptive step is switched on gradually, once its variance is tractable."""

from __future__ import annotations

from typing import Any

from autograd.backend import get_array_module

from .adamax import check_adam_options
from .optimizer import Optimizer, ParamsT, decayed_grad, zeros_state

__all__ = ["RAdam"]


class RAdam(Optimizer):
    r"""Rectified Adam (Liu et al., 2019), as ``torch.optim.RAdam``.

    For every parameter theta with gradient g_t (learning rate gamma, betas
    beta1 and beta2, weight decay lambda)::

        t <- t + 1
        g_t <- -g_t                                   if maximize
        theta_{t-1} <- theta_{t-1} * (1 - gamma * lambda)   if decoupled_weight_decay
        g_t <- g_t + lambda * theta_{t-1}             otherwise, if lambda != 0
        m_t = beta1 * m_{t-1} + (1 - beta1) * g_t
        v_t = beta2 * v_{t-1} + (1 - beta2) * g_t^2
        m^_t = m_t / (1 - beta1^t)
        rho_inf = 2 / (1 - beta2) - 1                 (the longest simple moving average)
        rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
        if rho_t > 5:                                 (the variance of v is tractable)
            l_t = sqrt(1 - beta2^t) / (sqrt(v_t) + eps)
            r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
            theta_t = theta_{t-1} - gamma * m^_t * l_t * r_t
        else:                                         (early steps: plain momentum SGD)
            theta_t = theta_{t-1} - gamma * m^_t

    m and v start at 0; ``state[p]`` holds ``'step'`` (t), ``'exp_avg'`` (m)
    and ``'exp_avg_sq'`` (v). ``foreach`` is accepted for PyTorch's signature
    and changes nothing.

    Raises ValueError for a negative ``lr`` (or other invalid option) and TypeError when ``params``
    is a single Tensor rather than an iterable of them.

    Examples:
        >>> import autograd as ag, optim
        >>> w = ag.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim.RAdam([w], lr=0.1)
        >>> for _ in range(3):
        ...     opt.zero_grad()
        ...     loss = (w ** 2).sum()
        ...     loss.backward()
        ...     opt.step()
        >>> w.detach().round(decimals=4)
        tensor([ 0.4623, -0.9246])
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False):
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _check_options(self, group: dict[str, Any]) -> None:
        check_adam_options(group)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        weight_decay, maximize = group["weight_decay"], group["maximize"]
        decoupled = group["decoupled_weight_decay"]
        rho_inf = 2 / (1 - beta2) - 1
        for p in group["params"]:
            if p._grad is None:
                continue
            theta = p._array
            grad = decayed_grad(p, lr, weight_decay, maximize, decoupled)
            xp = get_array_module(grad)
            state = self.state[p]
            if not state:
                state["step"] = 0
                state["exp_avg"] = zeros_state(p)
                state["exp_avg_sq"] = zeros_state(p)
            state["step"] += 1
            step = state["step"]
            bias_correction1 = 1 - beta1**step
            bias_correction2 = 1 - beta2**step
            rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2

            exp_avg, exp_avg_sq = state["exp_avg"]._array, state["exp_avg_sq"]._array
            scratch = xp.subtract(grad, exp_avg)
            scratch *= 1 - beta1
            exp_avg += scratch                          # m_t
            xp.multiply(grad, grad, out=scratch)
            scratch *= 1 - beta2
            exp_avg_sq *= beta2
            exp_avg_sq += scratch                       # v_t
            update = xp.divide(exp_avg, bias_correction1)
            update *= lr                                # gamma * m^_t
            if rho_t > 5.0:
                rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                        / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                xp.sqrt(exp_avg_sq, out=scratch)
                scratch += eps
                xp.divide(bias_correction2**0.5, scratch, out=scratch)   # l_t
                update *= scratch
                update *= rect
            theta -= update
