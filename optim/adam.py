"""Adam and AdamW: momentum and RMSProp together, with bias correction."""

from __future__ import annotations

import math
from typing import Any

from autograd.backend import get_array_module

from .optimizer import (
    Optimizer,
    ParamsT,
    _check_non_negative,
    decayed_grad,
    zeros_state,
)

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    r"""Adam, as ``torch.optim.Adam``.

    For every parameter theta with gradient g_t (learning rate gamma, betas
    beta1 and beta2, weight decay lambda)::

        t <- t + 1
        g_t <- -g_t                                   if maximize
        theta_{t-1} <- theta_{t-1} * (1 - gamma * lambda)   if decoupled (AdamW)
        g_t <- g_t + lambda * theta_{t-1}             otherwise, if lambda != 0
        m_t = beta1 * m_{t-1} + (1 - beta1) * g_t     (first moment: momentum)
        v_t = beta2 * v_{t-1} + (1 - beta2) * g_t^2   (second moment: as RMSProp)
        m^_t = m_t / (1 - beta1^t)                    (bias corrections: m_0 = v_0 = 0)
        v^_t = v_t / (1 - beta2^t)
        v^max_t = max(v^max_{t-1}, v_t), v^_t = v^max_t / (1 - beta2^t)   if amsgrad
        theta_t = theta_{t-1} - gamma * m^_t / (sqrt(v^_t) + eps)

    ``state[p]`` holds ``'step'`` (t), ``'exp_avg'`` (m), ``'exp_avg_sq'`` (v)
    and, with amsgrad, ``'max_exp_avg_sq'``.

    Its first steps move each weight by about gamma (``lr``), whatever the gradient's scale.
    ``betas`` outside [0, 1), a negative ``lr`` or ``eps`` raise ValueError; a single Tensor
    as ``params`` raises TypeError.

    Examples:
        >>> import autograd as ag, optim
        >>> w = ag.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim.Adam([w], lr=0.1)
        >>> for _ in range(3):
        ...     opt.zero_grad()
        ...     loss = (w ** 2).sum()
        ...     loss.backward()
        ...     opt.step()
        >>> w.detach().round(decimals=4)
        tensor([ 0.7016, -1.7006])
        >>> sorted(opt.state[w])
        ['exp_avg', 'exp_avg_sq', 'step']
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, maximize: bool = False,
                 decoupled_weight_decay: bool = False):
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        _check_non_negative(group, "eps", "epsilon value")
        betas = group["betas"]
        if len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {beta} (must be in [0, 1))")
        _check_non_negative(group, "weight_decay", "weight_decay value")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        weight_decay, amsgrad, maximize = group["weight_decay"], group["amsgrad"], group["maximize"]
        decoupled = group["decoupled_weight_decay"]
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
                if amsgrad:
                    state["max_exp_avg_sq"] = zeros_state(p)
            state["step"] += 1
            step = state["step"]
            step_size = lr / (1 - beta1**step)
            bias_correction2_sqrt = math.sqrt(1 - beta2**step)

            exp_avg, exp_avg_sq = state["exp_avg"]._array, state["exp_avg_sq"]._array
            # m_t = m_{t-1} + (1 - beta1) (g_t - m_{t-1}): the same value, PyTorch's rounding
            scratch = xp.subtract(grad, exp_avg)
            scratch *= 1 - beta1
            exp_avg += scratch
            xp.multiply(grad, grad, out=scratch)
            scratch *= 1 - beta2
            exp_avg_sq *= beta2
            exp_avg_sq += scratch
            if amsgrad:
                max_exp_avg_sq = state["max_exp_avg_sq"]._array
                xp.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
                xp.sqrt(max_exp_avg_sq, out=scratch)
            else:
                xp.sqrt(exp_avg_sq, out=scratch)
            scratch /= bias_correction2_sqrt
            scratch += eps
            xp.divide(exp_avg, scratch, out=scratch)
            scratch *= step_size
            theta -= scratch


class AdamW(Adam):
    r"""Adam with decoupled weight decay, as ``torch.optim.AdamW``.

    The weights shrink directly, theta <- theta * (1 - gamma * lambda), before
    the Adam step, instead of lambda * theta being added to the gradient
    (see :class:`Adam` for the whole rule). Default weight_decay = 1e-2.

    Raises ValueError for a negative ``lr`` (or other invalid option) and TypeError when ``params``
    is a single Tensor rather than an iterable of them.

    Examples:
        >>> import autograd as ag, optim
        >>> w = ag.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim.AdamW([w], lr=0.1, weight_decay=0.1)
        >>> for _ in range(3):
        ...     opt.zero_grad()
        ...     loss = (w ** 2).sum()
        ...     loss.backward()
        ...     opt.step()
        >>> w.detach().round(decimals=4)
        tensor([ 0.6751, -1.6444])
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)
