"""AdaGrad: per-weight learning rates from the sum of squared gradients."""

from __future__ import annotations

from typing import Any

from autograd.backend import get_array_module

from .optimizer import Optimizer, ParamsT, _check_non_negative, effective_grad, zeros_state

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""AdaGrad, as ``torch.optim.Adagrad``.

    For every parameter theta with gradient g_t (learning rate gamma, learning
    rate decay eta, weight decay lambda, initial accumulator value s_0)::

        t <- t + 1
        g_t <- -g_t                                   if maximize
        g_t <- g_t + lambda * theta_{t-1}             if lambda != 0
        gamma_t = gamma / (1 + (t - 1) * eta)
        s_t = s_{t-1} + g_t^2
        theta_t = theta_{t-1} - gamma_t * g_t / (sqrt(s_t) + eps)

    Weights that have seen large gradients take small steps. ``state[p]``
    holds ``'step'`` (t) and ``'sum'`` (s_t).

    Raises ValueError for a negative ``lr`` (or other invalid option) and TypeError when ``params``
    is a single Tensor rather than an iterable of them.

    Examples:
        >>> import autograd as ag, optim
        >>> w = ag.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = optim.Adagrad([w], lr=0.5)
        >>> for _ in range(3):
        ...     opt.zero_grad()
        ...     loss = (w ** 2).sum()
        ...     loss.backward()
        ...     opt.step()
        >>> w.detach().round(decimals=4)
        tensor([ 0.1564, -0.9836])
    """

    def __init__(self, params: ParamsT, lr: float = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, *, maximize: bool = False):
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, maximize=maximize)
        super().__init__(params, defaults)

    def _init_state(self, p: Any, group: dict[str, Any]) -> None:
        state = self.state[p]
        if not state:
            state["step"] = 0
            state["sum"] = zeros_state(p, group["initial_accumulator_value"])

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a parameter group, its accumulators starting at ``initial_accumulator_value``.

        Examples:
            >>> import autograd as ag, optim
            >>> opt = optim.Adagrad([ag.zeros(2, requires_grad=True)], lr=0.1)
            >>> extra = ag.zeros(3, requires_grad=True)
            >>> opt.add_param_group({'params': [extra], 'initial_accumulator_value': 0.5})
            >>> opt.state[extra]['sum']
            tensor([0.5000, 0.5000, 0.5000])
        """
        # As in PyTorch, the accumulators exist from the start (s_0 may be non-zero).
        super().add_param_group(param_group)
        for p in self.param_groups[-1]["params"]:
            self._init_state(p, self.param_groups[-1])

    def _check_options(self, group: dict[str, Any]) -> None:
        super()._check_options(group)
        _check_non_negative(group, "lr_decay", "lr_decay value")
        _check_non_negative(group, "weight_decay", "weight_decay value")
        _check_non_negative(group, "initial_accumulator_value", "initial_accumulator_value value")
        _check_non_negative(group, "eps", "epsilon value")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, lr_decay, eps = group["lr"], group["lr_decay"], group["eps"]
        weight_decay, maximize = group["weight_decay"], group["maximize"]
        for p in group["params"]:
            if p._grad is None:
                continue
            theta = p._array
            grad = effective_grad(p._grad._array, theta, weight_decay, maximize)
            xp = get_array_module(grad)
            state = self.state[p]
            if not state:
                self._init_state(p, group)
            state["step"] += 1
            clr = lr / (1 + (state["step"] - 1) * lr_decay)

            sum_sq = state["sum"]._array
            scratch = xp.multiply(grad, grad)
            sum_sq += scratch
            xp.sqrt(sum_sq, out=scratch)
            scratch += eps
            xp.divide(grad, scratch, out=scratch)
            scratch *= clr
            theta -= scratch
