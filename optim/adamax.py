"""Adamax: Adam with the infinity norm of past gradients in place of their RMS."""

from __future__ import annotations

from typing import Any

from autograd.backend import get_array_module

from .optimizer import Optimizer, ParamsT, _check_non_negative, effective_grad, zeros_state

__all__ = ["Adamax"]


def check_adam_options(group: dict[str, Any]) -> None:
    """Adam's checks, shared by its relatives: lr, eps, weight_decay >= 0, betas in [0, 1).

    Examples:
        >>> from optim.adamax import check_adam_options
        >>> check_adam_options({'lr': 1e-3, 'eps': 1e-8, 'betas': (0.9, 0.999), 'weight_decay': 0})
        >>> check_adam_options({'lr': 1e-3, 'eps': 1e-8, 'betas': (0.9, 1.0), 'weight_decay': 0})
        Traceback (most recent call last):
            ...
        ValueError: Invalid beta parameter at index 1: 1.0 (must be in [0, 1))
    """
    _check_non_negative(group, "lr", "learning rate")
    _check_non_negative(group, "eps", "epsilon value")
    betas = group["betas"]
    if len(betas) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    for i, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta} (must be in [0, 1))")
    _check_non_negative(group, "weight_decay", "weight_decay value")


class Adamax(Optimizer):
    r"""Adamax (Kingma & Ba, 2014, section 7), as ``torch.optim.Adamax``.

    For every parameter theta with gradient g_t (learning rate gamma, betas
    beta1 and beta2, weight decay lambda)::

        t <- t + 1
        g_t <- -g_t                                   if maximize
        g_t <- g_t + lambda * theta_{t-1}             if lambda != 0
        m_t = beta1 * m_{t-1} + (1 - beta1) * g_t
        u_t = max(beta2 * u_{t-1}, |g_t| + eps)       (an exponentially weighted max-norm)
        theta_t = theta_{t-1} - gamma / (1 - beta1^t) * m_t / u_t

    m and u start at 0; ``state[p]`` holds ``'step'`` (t), ``'exp_avg'`` (m)
    and ``'exp_inf'`` (u). ``foreach`` is accepted for PyTorch's signature and
    changes nothing.

    Raises ValueError for a negative ``lr`` (or other invalid option) and TypeError when ``params``
    is a single Tensor rather than an iterable of them.

    Examples:
        >>> import autograd as ag, optim
        >>> w = ag.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim.Adamax([w], lr=0.1)
        >>> for _ in range(3):
        ...     opt.zero_grad()
        ...     loss = (w ** 2).sum()
        ...     loss.backward()
        ...     opt.step()
        >>> w.detach().round(decimals=4)
        tensor([ 0.7155, -1.7076])
    """

    def __init__(self, params: ParamsT, lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach: bool | None = None, *,
                 maximize: bool = False):
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        maximize=maximize)
        super().__init__(params, defaults)

    def _check_options(self, group: dict[str, Any]) -> None:
        check_adam_options(group)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
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
                state["exp_avg"] = zeros_state(p)
                state["exp_inf"] = zeros_state(p)
            state["step"] += 1
            clr = lr / (1 - beta1 ** state["step"])

            exp_avg, exp_inf = state["exp_avg"]._array, state["exp_inf"]._array
            # m_t = m_{t-1} + (1 - beta1) (g_t - m_{t-1}): the same value, PyTorch's rounding
            scratch = xp.subtract(grad, exp_avg)
            scratch *= 1 - beta1
            exp_avg += scratch
            xp.abs(grad, out=scratch)
            scratch += eps
            exp_inf *= beta2
            xp.maximum(exp_inf, scratch, out=exp_inf)
            xp.divide(exp_avg, exp_inf, out=scratch)
            scratch *= clr
            theta -= scratch
