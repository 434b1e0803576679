"""NAdam: Adam with Nesterov momentum (and a warming-up momentum schedule)."""

from __future__ import annotations

from typing import Any

from autograd.backend import get_array_module

from .adamax import check_adam_options
from .optimizer import (
    Optimizer,
    ParamsT,
    _check_non_negative,
    decayed_grad,
    zeros_state,
)

__all__ = ["NAdam"]


class NAdam(Optimizer):
    r"""NAdam (Dozat, 2016), as ``torch.optim.NAdam``.

    For every parameter theta with gradient g_t (learning rate gamma, betas
    beta1 and beta2, weight decay lambda, momentum decay psi)::

        t <- t + 1
        g_t <- -g_t                                   if maximize
        theta_{t-1} <- theta_{t-1} * (1 - gamma * lambda)   if decoupled_weight_decay
        g_t <- g_t + lambda * theta_{t-1}             otherwise, if lambda != 0
        mu_t = beta1 * (1 - 0.5 * 0.96^(t psi))       (momentum warms up towards beta1)
        mu_{t+1} = beta1 * (1 - 0.5 * 0.96^((t + 1) psi))
        P_t = mu_1 mu_2 ... mu_t                      (the product, 'mu_product')
        m_t = beta1 * m_{t-1} + (1 - beta1) * g_t
        v_t = beta2 * v_{t-1} + (1 - beta2) * g_t^2
        d_t = sqrt(v_t / (1 - beta2^t)) + eps
        theta_t = theta_{t-1} - gamma (1 - mu_t) / (1 - P_t) * g_t / d_t
                              - gamma mu_{t+1} / (1 - P_t mu_{t+1}) * m_t / d_t

    The last line is the Nesterov look-ahead: the momentum term uses the
    next step's mu. m and v start at 0, P at 1; ``state[p]`` holds ``'step'``
    (t), ``'mu_product'`` (P_t, a float; PyTorch keeps it in a tensor of the
    default dtype), ``'exp_avg'`` (m) and ``'exp_avg_sq'`` (v). ``foreach`` is
    accepted for PyTorch's signature and changes nothing.

    Raises ValueError for a negative ``lr`` (or other invalid option) and TypeError when ``params``
    is a single Tensor rather than an iterable of them.

    Examples:
        >>> import autograd as ag, optim
        >>> w = ag.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim.NAdam([w], lr=0.1)
        >>> for _ in range(3):
        ...     opt.zero_grad()
        ...     loss = (w ** 2).sum()
        ...     loss.backward()
        ...     opt.step()
        >>> w.detach().round(decimals=4)
        tensor([ 0.7527, -1.7475])
    """

    def __init__(self, params: ParamsT, lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False):
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _check_options(self, group: dict[str, Any]) -> None:
        check_adam_options(group)
        _check_non_negative(group, "momentum_decay", "momentum_decay value")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        weight_decay, maximize = group["weight_decay"], group["maximize"]
        psi, decoupled = group["momentum_decay"], group["decoupled_weight_decay"]
        for p in group["params"]:
            if p._grad is None:
                continue
            theta = p._array
            grad = decayed_grad(p, lr, weight_decay, maximize, decoupled)
            xp = get_array_module(grad)
            state = self.state[p]
            if not state:
                state["step"] = 0
                state["mu_product"] = 1.0
                state["exp_avg"] = zeros_state(p)
                state["exp_avg_sq"] = zeros_state(p)
            state["step"] += 1
            step = state["step"]
            bias_correction2 = 1 - beta2**step
            mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * psi))
            mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * psi))
            state["mu_product"] *= mu
            mu_product = state["mu_product"]

            exp_avg, exp_avg_sq = state["exp_avg"]._array, state["exp_avg_sq"]._array
            scratch = xp.subtract(grad, exp_avg)
            scratch *= 1 - beta1
            exp_avg += scratch                          # m_t
            xp.multiply(grad, grad, out=scratch)
            scratch *= 1 - beta2
            exp_avg_sq *= beta2
            exp_avg_sq += scratch                       # v_t
            denom = xp.divide(exp_avg_sq, bias_correction2)
            xp.sqrt(denom, out=denom)
            denom += eps                                # d_t
            xp.divide(grad, denom, out=scratch)
            scratch *= lr * (1.0 - mu) / (1.0 - mu_product)
            theta -= scratch
            xp.divide(exp_avg, denom, out=scratch)
            scratch *= lr * mu_next / (1.0 - mu_product * mu_next)
            theta -= scratch
