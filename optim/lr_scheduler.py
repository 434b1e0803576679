"""Learning-rate schedules, as ``torch.optim.lr_scheduler``.

A scheduler changes ``group['lr']`` of its optimizer's parameter groups; call
``scheduler.step()`` once per epoch, after ``optimizer.step()``::

    scheduler = optim.lr_scheduler.StepLR(opt, step_size=30, gamma=0.1)
    for epoch in range(100):
        train_one_epoch(model, opt)
        scheduler.step()

Each schedule uses PyTorch's recursive rule (the new lr from the current one),
so the sequence of learning rates equals PyTorch's.
"""

from __future__ import annotations

import math
import types
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from .optimizer import Optimizer

__all__ = ["LRScheduler", "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "LinearLR",
           "ExponentialLR", "CosineAnnealingLR", "OneCycleLR", "ReduceLROnPlateau", "CyclicLR",
           "CosineAnnealingWarmRestarts"]


class LRScheduler:
    """Base class of the schedules: subclasses give :meth:`get_lr`.

    ``last_epoch`` counts the calls of :meth:`step` (0 after construction,
    which sets every group's ``'initial_lr'``); ``base_lrs`` are those initial
    rates. Pass ``last_epoch`` only when resuming, as in PyTorch.

    Examples:
        >>> import autograd as ag, optim
        >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
        >>> sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
        >>> sched.last_epoch, sched.base_lrs
        (0, [0.1])
        >>> opt.step()
        >>> sched.step()
        >>> sched.last_epoch, sched.get_last_lr()
        (1, [0.05])
        >>> sched.state_dict()['last_epoch']
        1
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when "
                        "resuming a scheduler with last_epoch >= 0; load the optimizer's "
                        "state_dict first, or leave last_epoch at -1"
                    )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self._is_initial = True
        self.step()
        self._is_initial = False

    def get_lr(self) -> list[float]:
        """The learning rates for epoch ``last_epoch``, one per parameter group.

        Examples:
            >>> import autograd as ag, optim
            >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
            >>> class Halve(optim.lr_scheduler.LRScheduler):
            ...     def get_lr(self):
            ...         return [base * 0.5 ** self.last_epoch for base in self.base_lrs]
            >>> sched = Halve(opt)
            >>> for epoch in range(2):
            ...     opt.step()
            ...     sched.step()
            >>> sched.get_last_lr()
            [0.025]
        """
        raise NotImplementedError

    def get_last_lr(self) -> list[float]:
        """The learning rates the last :meth:`step` set, one per parameter group.

        Examples:
            >>> import autograd as ag, optim
            >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
            >>> sched = optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
            >>> opt.step()
            >>> sched.step()
            >>> sched.get_last_lr()
            [0.05]
        """
        return self._last_lr

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch and write the new rates into the optimizer's groups.

        ``epoch`` (deprecated in PyTorch) jumps to that epoch using the closed form.

        Examples:
            >>> import autograd as ag, optim
            >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
            >>> sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.1)
            >>> opt.step()
            >>> sched.step()
            >>> round(opt.param_groups[0]['lr'], 4)
            0.01
        """
        self._step_count += 1
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            values = self._get_closed_form_lr()
        for group, lr in zip(self.optimizer.param_groups, values, strict=True):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> list[float]:
        return self.get_lr()

    def _current_lrs(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer: ``ag.save`` can write it.

        Examples:
            >>> import autograd as ag, optim
            >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
            >>> sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.1)
            >>> sd = sched.state_dict()
            >>> sd['last_epoch'], sd['base_lrs'], 'optimizer' in sd
            (0, [0.1], False)
        """
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned (the epoch count and the rates).

        Examples:
            >>> import autograd as ag, optim
            >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
            >>> sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
            >>> opt.step()
            >>> sched.step()
            >>> saved = sched.state_dict()
            >>> other = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
            >>> other.load_state_dict(saved)
            >>> other.last_epoch
            1
        """
        self.__dict__.update(state_dict)


def _per_group(name: str, optimizer: Optimizer, value: Any) -> list:
    """One value per parameter group: a list of that length, or one value for all."""
    count = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            raise ValueError(f"expected {count} values for {name}, got {len(value)}")
        return list(value)
    return [value] * count


class LambdaLR(LRScheduler):
    """Set the learning rate to base_lr times a function of the epoch: lr = base_lr * f(epoch).

    ``lr_lambda`` is one function, or a list of them (one per parameter group).

    Call ``sched.step()`` once per epoch, after the epoch's ``opt.step()`` calls; ``get_last_lr()``
    gives the rates it set.

    Examples:
        >>> import autograd as ag, optim
        >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
        >>> sched = optim.lr_scheduler.LambdaLR(opt, lambda epoch: 1 / (epoch + 1))
        >>> lrs = []
        >>> for epoch in range(4):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(sched.get_last_lr()[0], 5))
        >>> lrs
        [0.05, 0.03333, 0.025, 0.02]
    """

    def __init__(self, optimizer: Optimizer, lr_lambda: Any, last_epoch: int = -1):
        self.lr_lambdas = _lambdas(optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base * f(self.last_epoch) for f, base in zip(self.lr_lambdas, self.base_lrs,
                                                             strict=True)]

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer and the functions (which cannot be saved).

        Examples:
            >>> import autograd as ag, optim
            >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
            >>> sched = optim.lr_scheduler.LambdaLR(opt, lambda epoch: 0.5 ** epoch)
            >>> opt.step()
            >>> sched.step()
            >>> state = sched.state_dict()
            >>> 'lr_lambdas' in state, state['last_epoch'], state['base_lrs']
            (False, 1, [0.1])
        """
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "lr_lambdas")}


class MultiplicativeLR(LRScheduler):
    """Multiply the learning rate by a function of the epoch each step: lr_t = lr_{t-1} f(t).

    Call ``sched.step()`` once per epoch, after the epoch's ``opt.step()`` calls; ``get_last_lr()``
    gives the rates it set.

    Examples:
        >>> import autograd as ag, optim
        >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
        >>> sched = optim.lr_scheduler.MultiplicativeLR(opt, lambda epoch: 0.9)
        >>> lrs = []
        >>> for epoch in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(sched.get_last_lr()[0], 5))
        >>> lrs
        [0.09, 0.081, 0.0729]
    """

    def __init__(self, optimizer: Optimizer, lr_lambda: Any, last_epoch: int = -1):
        self.lr_lambdas = _lambdas(optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch > 0:
            return [lr * f(self.last_epoch) for f, lr in zip(self.lr_lambdas,
                                                             self._current_lrs(), strict=True)]
        return self._current_lrs()

    state_dict = LambdaLR.state_dict


def _lambdas(optimizer: Optimizer, lr_lambda: Any) -> list:
    if isinstance(lr_lambda, (list, tuple)):
        if len(lr_lambda) != len(optimizer.param_groups):
            raise ValueError(
                f"Expected {len(optimizer.param_groups)} lr_lambdas, but got {len(lr_lambda)}"
            )
        return list(lr_lambda)
    if not callable(lr_lambda):
        raise TypeError(f"lr_lambda must be callable (or a list of callables), got {lr_lambda!r}")
    return [lr_lambda] * len(optimizer.param_groups)


class LinearLR(LRScheduler):
    """Scale the learning rate by a factor that goes linearly from ``start_factor`` to
    ``end_factor`` over ``total_iters`` epochs, then stays:

    lr_epoch = base_lr * (start + (end - start) * min(epoch, total_iters) / total_iters).

    Call ``sched.step()`` once per epoch, after the epoch's ``opt.step()`` calls; ``get_last_lr()``
    gives the rates it set.

    Examples:
        >>> import autograd as ag, optim
        >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
        >>> sched = optim.lr_scheduler.LinearLR(opt, start_factor=0.25, total_iters=3)
        >>> lrs = []
        >>> for epoch in range(4):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(sched.get_last_lr()[0], 5))
        >>> lrs
        [0.05, 0.075, 0.1, 0.1]
    """

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5, last_epoch: int = -1):
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError(
                "Starting multiplicative factor expected to be greater than 0 and less or equal "
                f"to 1, got {start_factor}"
            )
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError(
                f"Ending multiplicative factor expected to be between 0 and 1, got {end_factor}"
            )
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        start, end, total, t = self.start_factor, self.end_factor, self.total_iters, self.last_epoch
        if t == 0:
            return [lr * start for lr in self._current_lrs()]
        if t > total:
            return self._current_lrs()
        # PyTorch's recursive form: the ratio of this epoch's factor to the last one's
        ratio = 1.0 + (end - start) / (total * start + (t - 1) * (end - start))
        return [lr * ratio for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        start, end, total = self.start_factor, self.end_factor, self.total_iters
        return [base * (start + (end - start) * min(total, self.last_epoch) / total)
                for base in self.base_lrs]


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith & Topin), stepped once per batch, as PyTorch's.

    The rate rises from max_lr / div_factor to ``max_lr`` over the first
    ``pct_start`` of ``total_steps`` (cosine or linear), then falls to
    initial_lr / final_div_factor; the momentum (or Adam's beta1) moves the
    opposite way between ``max_momentum`` and ``base_momentum``. With
    ``three_phase`` the fall goes back to initial_lr first, then down to the minimum.
    Annealing from a to b at fraction p is b + (a - b) (1 + cos(pi p)) / 2 ('cos') or
    a + (b - a) p ('linear').

    Call ``sched.step()`` after every batch's ``opt.step()``; stepping past ``total_steps`` raises
    ValueError.

    Examples:
        >>> import autograd as ag, optim
        >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
        >>> sched = optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=6)
        >>> lrs = []
        >>> for epoch in range(5):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(sched.get_last_lr()[0], 5))
        >>> lrs
        [0.99442, 0.81175, 0.46264, 0.13348, 0.0]
    """

    def __init__(self, optimizer: Optimizer, max_lr: Any, total_steps: int | None = None,
                 epochs: int | None = None, steps_per_epoch: int | None = None,
                 pct_start: float = 0.3, anneal_strategy: str = "cos",
                 cycle_momentum: bool = True, base_momentum: Any = 0.85,
                 max_momentum: Any = 0.95, div_factor: float = 25.0,
                 final_div_factor: float = 1e4, three_phase: bool = False,
                 last_epoch: int = -1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        if total_steps is not None:
            if not isinstance(total_steps, int) or total_steps <= 0:
                raise ValueError(f"Expected positive integer total_steps, but got {total_steps}")
            self.total_steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            for name, value in (("epochs", epochs), ("steps_per_epoch", steps_per_epoch)):
                if not isinstance(value, int) or value <= 0:
                    raise ValueError(f"Expected positive integer {name}, but got {value}")
            self.total_steps = epochs * steps_per_epoch
        else:
            raise ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)")
        if not 0 <= pct_start <= 1 or not isinstance(pct_start, float):
            raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}"
            )
        self.anneal_strategy = anneal_strategy
        self.three_phase = three_phase
        n = self.total_steps
        if three_phase:
            self._phases = [
                (float(pct_start * n) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (float(2 * pct_start * n) - 2, "max_lr", "initial_lr", "base_momentum",
                 "max_momentum"),
                (n - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
        else:
            self._phases = [
                (float(pct_start * n) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (n - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ]
        groups = optimizer.param_groups
        if last_epoch == -1:
            for group, top in zip(groups, _per_group("max_lr", optimizer, max_lr), strict=True):
                group["initial_lr"] = top / div_factor
                group["max_lr"] = top
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            defaults = optimizer.defaults
            if "momentum" not in defaults and "betas" not in defaults:
                raise ValueError(
                    "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"
                )
            self.use_beta1 = "betas" in defaults
            if last_epoch == -1:
                for group, top, base in zip(
                        groups, _per_group("max_momentum", optimizer, max_momentum),
                        _per_group("base_momentum", optimizer, base_momentum), strict=True):
                    self._set_momentum(group, top)
                    group["max_momentum"] = top
                    group["base_momentum"] = base
        super().__init__(optimizer, last_epoch)

    def _set_momentum(self, group: dict, value: float) -> None:
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> list[float]:
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(
                f"Tried to step {step} times. The specified number of total steps is "
                f"{self.total_steps}"
            )
        lrs = []
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for i, (end_step, lr_a, lr_b, m_a, m_b) in enumerate(self._phases):
                if step <= end_step or i == len(self._phases) - 1:
                    pct = (step - start_step) / (end_step - start_step)
                    lrs.append(self._anneal(group[lr_a], group[lr_b], pct))
                    if self.cycle_momentum:
                        self._set_momentum(group, self._anneal(group[m_a], group[m_b], pct))
                    break
                start_step = end_step
        return lrs


class StepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs.

    lr_epoch = base_lr * gamma^floor(epoch / step_size).

    Call ``sched.step()`` once per epoch, after the epoch's ``opt.step()`` calls; ``get_last_lr()``
    gives the rates it set.

    Examples:
        >>> import autograd as ag, optim
        >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
        >>> sched = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        >>> lrs = []
        >>> for epoch in range(6):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(sched.get_last_lr()[0], 5))
        >>> lrs
        [0.1, 0.05, 0.05, 0.025, 0.025, 0.0125]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1):
        if step_size <= 0:
            raise ValueError(f"step_size must be a positive integer, got {step_size!r}")
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` at each epoch listed in ``milestones``.

    lr_epoch = base_lr * gamma^(number of milestones <= epoch).

    Call ``sched.step()`` once per epoch, after the epoch's ``opt.step()`` calls; ``get_last_lr()``
    gives the rates it set.

    Examples:
        >>> import autograd as ag, optim
        >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
        >>> sched = optim.lr_scheduler.MultiStepLR(opt, milestones=[2, 4], gamma=0.1)
        >>> lrs = []
        >>> for epoch in range(6):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(sched.get_last_lr()[0], 5))
        >>> lrs
        [0.1, 0.01, 0.01, 0.001, 0.001, 0.001]
    """

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1,
                 last_epoch: int = -1):
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch not in self.milestones:
            return self._current_lrs()
        factor = self.gamma ** self.milestones[self.last_epoch]
        return [lr * factor for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        milestones = sorted(self.milestones.elements())
        return [base * self.gamma ** bisect_right(milestones, self.last_epoch)
                for base in self.base_lrs]

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned, milestones included.

        Examples:
            >>> import autograd as ag, optim
            >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
            >>> sched = optim.lr_scheduler.MultiStepLR(opt, milestones=[2, 4], gamma=0.1)
            >>> for epoch in range(3):
            ...     opt.step()
            ...     sched.step()
            >>> ag.save(sched.state_dict(), 'sched.pt')
            >>> restored = optim.lr_scheduler.MultiStepLR(opt, milestones=[10])
            >>> restored.load_state_dict(ag.load('sched.pt'))
            >>> restored.last_epoch, sorted(restored.milestones.elements())
            (3, [2, 4])
        """
        super().load_state_dict(state_dict)
        # ag.load gives a plain dict back (with int keys); the counts are what matter.
        self.milestones = Counter({int(k): v for k, v in dict(self.milestones).items()})


class ExponentialLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every epoch: lr_epoch = base_lr * gamma^epoch.

    Call ``sched.step()`` once per epoch, after the epoch's ``opt.step()`` calls; ``get_last_lr()``
    gives the rates it set.

    Examples:
        >>> import autograd as ag, optim
        >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
        >>> sched = optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
        >>> lrs = []
        >>> for epoch in range(4):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(sched.get_last_lr()[0], 5))
        >>> lrs
        [0.05, 0.025, 0.0125, 0.00625]
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma**self.last_epoch for base in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    r"""Anneal the learning rate along a cosine from base_lr to ``eta_min`` in ``T_max`` epochs.

    The closed form is eta_t = eta_min + (base_lr - eta_min) (1 + cos(pi t / T_max)) / 2;
    as in PyTorch, each step applies the recursive form

        eta_t = eta_min + (eta_{t-1} - eta_min)
                * (1 + cos(pi t / T_max)) / (1 + cos(pi (t - 1) / T_max)),

    which also respects changes made to ``group['lr']`` by others, and past
    T_max the rate climbs back up (a period of 2 T_max).

    Call ``sched.step()`` once per epoch, after the epoch's ``opt.step()`` calls; ``get_last_lr()``
    gives the rates it set.

    Examples:
        >>> import autograd as ag, optim
        >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
        >>> sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4)
        >>> lrs = []
        >>> for epoch in range(4):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(sched.get_last_lr()[0], 5))
        >>> lrs
        [0.08536, 0.05, 0.01464, 0.0]
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,
                 last_epoch: int = -1):
        if T_max <= 0:
            raise ValueError(f"T_max must be a positive number of epochs, got {T_max!r}")
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        t, T_max, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._current_lrs()
        if self._step_count == 1 and t > 0:
            return [eta_min + (base - eta_min) * (1 + math.cos(t * math.pi / T_max)) / 2
                    for base in self.base_lrs]
        if (t - 1 - T_max) % (2 * T_max) == 0:
            # at the bottom of the cosine the ratio below is 0/0: step up by the closed form
            return [lr + (base - eta_min) * (1 - math.cos(math.pi / T_max)) / 2
                    for base, lr in zip(self.base_lrs, self._current_lrs(), strict=True)]
        return [(1 + math.cos(math.pi * t / T_max)) / (1 + math.cos(math.pi * (t - 1) / T_max))
                * (lr - eta_min) + eta_min for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> list[float]:
        return [self.eta_min + (base - self.eta_min)
                * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
                for base in self.base_lrs]


class ReduceLROnPlateau(LRScheduler):
    """Multiply the learning rate by ``factor`` when a metric has stopped improving.

    Call ``scheduler.step(val_loss)`` after each epoch. A value is an
    improvement when (mode 'min', threshold_mode 'rel') it is below
    best * (1 - threshold); 'abs' uses best - threshold; mode 'max' mirrors
    both. After more than ``patience`` epochs without improvement every lr
    becomes max(lr * factor, min_lr) (changes smaller than ``eps`` are
    skipped), then ``cooldown`` epochs pass before bad epochs count again.

    An unknown ``mode`` or ``threshold_mode``, or ``factor >= 1``, raises ValueError.

    Examples:
        >>> import autograd as ag, optim
        >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
        >>> losses = [1.0, 0.9, 0.9, 0.9, 0.9, 0.9]
        >>> sched = optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1)
        >>> lrs = []
        >>> for loss in losses:
        ...     opt.step()
        ...     sched.step(loss)
        ...     lrs.append(opt.param_groups[0]['lr'])
        >>> lrs
        [0.1, 0.1, 0.1, 0.05, 0.05, 0.025]
    """

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1,
                 patience: int = 10, threshold: float = 1e-4, threshold_mode: str = "rel",
                 cooldown: int = 0, min_lr: float | list[float] = 0, eps: float = 1e-8):
        if factor >= 1.0:
            raise ValueError(f"Factor should be < 1.0, got {factor}")
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.factor = factor
        self.optimizer = optimizer
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != len(optimizer.param_groups):
                raise ValueError(
                    f"expected {len(optimizer.param_groups)} min_lrs (one per parameter "
                    f"group), got {len(min_lr)}"
                )
            self.default_min_lr = None
            self.min_lrs = list(min_lr)
        else:
            self.default_min_lr = min_lr
            self.min_lrs = [min_lr] * len(optimizer.param_groups)
        self.patience = patience
        self.cooldown = cooldown
        self.eps = eps
        self.last_epoch = 0
        self._last_lr = self._current_lrs()
        self._init_is_better(mode, threshold, threshold_mode)
        self._reset()

    def _init_is_better(self, mode: str, threshold: float, threshold_mode: str) -> None:
        if mode not in ("min", "max"):
            raise ValueError(f"mode {mode!r} is unknown! Use 'min' or 'max'")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold mode {threshold_mode!r} is unknown! Use 'rel' or 'abs'")
        self.mode = mode
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.mode_worse = math.inf if mode == "min" else -math.inf

    def _reset(self) -> None:
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    @property
    def in_cooldown(self) -> bool:
        """Whether the cooldown after the last reduction is still running.

        Examples:
            >>> import autograd as ag, optim
            >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
            >>> sched = optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, cooldown=2)
            >>> sched.step(1.0)
            >>> sched.step(1.0)
            >>> sched.in_cooldown, round(sched.get_last_lr()[0], 5)
            (True, 0.01)
        """
        return self.cooldown_counter > 0

    def is_better(self, a: float, best: float) -> bool:
        """Whether metric value ``a`` improves on ``best`` by more than the threshold.

        Examples:
            >>> import autograd as ag, optim
            >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
            >>> sched = optim.lr_scheduler.ReduceLROnPlateau(opt, threshold=0.01)
            >>> sched.is_better(0.995, 1.0), sched.is_better(0.98, 1.0)
            (False, True)
        """
        if self.mode == "min" and self.threshold_mode == "rel":
            return a < best * (1.0 - self.threshold)
        if self.mode == "min":
            return a < best - self.threshold
        if self.threshold_mode == "rel":
            return a > best * (self.threshold + 1.0)
        return a > best + self.threshold

    def step(self, metrics: Any, epoch: int | None = None) -> None:  # type: ignore[override]
        """Record this epoch's metric (a number or a one-element tensor).

        Examples:
            >>> import autograd as ag, optim
            >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
            >>> sched = optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0)
            >>> sched.step(1.0)
            >>> sched.step(ag.tensor(2.0))
            >>> round(opt.param_groups[0]['lr'], 4)
            0.01
        """
        current = float(metrics)
        self.last_epoch = self.last_epoch + 1 if epoch is None else epoch
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs in cooldown do not count
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = self._current_lrs()

    def _reduce_lr(self) -> None:
        if len(self.optimizer.param_groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise RuntimeError(
                    f"The number of param groups in the optimizer "
                    f"({len(self.optimizer.param_groups)}) differs from when ReduceLROnPlateau "
                    f"was initialized ({len(self.min_lrs)}); set scheduler.min_lrs to match"
                )
            self.min_lrs = [self.default_min_lr] * len(self.optimizer.param_groups)
        for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs, strict=True):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                group["lr"] = new_lr

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned (best value, counters, rates).

        Examples:
            >>> import autograd as ag, optim
            >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
            >>> sched = optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, cooldown=2)
            >>> sched.step(1.0)
            >>> sched.step(1.0)
            >>> restored = optim.lr_scheduler.ReduceLROnPlateau(opt)
            >>> restored.load_state_dict(sched.state_dict())
            >>> restored.best, restored.cooldown, restored.in_cooldown
            (1.0, 2, True)
        """
        super().load_state_dict(state_dict)
        self._init_is_better(self.mode, self.threshold, self.threshold_mode)


# --- cyclical schedules ---------------------------------------------------------------------------
class CyclicLR(LRScheduler):
    """Cycle the learning rate between ``base_lr`` and ``max_lr`` (Smith, 2017), once per batch.

    Each cycle lasts ``step_size_up + step_size_down`` steps: the rate climbs
    linearly from base_lr to the peak in ``step_size_up`` steps, then falls
    back in ``step_size_down`` (default: the same). With t the step count,
    cycle = floor(1 + t / total) and x = 1 + t / total - cycle in [0, 1)::

        h = x / r                   if x <= r  (r = step_size_up / total)
          = (x - 1) / (r - 1)       otherwise
        lr = base_lr + (max_lr - base_lr) * h * scale

    ``scale`` is 1 ('triangular'), 1 / 2^(cycle - 1) ('triangular2': each
    cycle half as high) or gamma^t ('exp_range'); ``scale_fn`` replaces it by
    your own function of the cycle or (``scale_mode='iterations'``) of t.
    With ``cycle_momentum`` the momentum (or Adam's beta1) moves the other
    way: max_momentum - (max_momentum - base_momentum) * h * scale.
    Call ``scheduler.step()`` after every batch.

    Call ``sched.step()`` after every batch's ``opt.step()``.

    Examples:
        >>> import autograd as ag, optim
        >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
        >>> sched = optim.lr_scheduler.CyclicLR(opt, base_lr=0.1, max_lr=0.5, step_size_up=2)
        >>> lrs = []
        >>> for epoch in range(6):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(sched.get_last_lr()[0], 5))
        >>> lrs
        [0.3, 0.5, 0.3, 0.1, 0.3, 0.5]
    """

    def __init__(self, optimizer: Optimizer, base_lr: float | list[float],
                 max_lr: float | list[float], step_size_up: int = 2000,
                 step_size_down: int | None = None, mode: str = "triangular",
                 gamma: float = 1.0, scale_fn: Callable[[float], float] | None = None,
                 scale_mode: str = "cycle", cycle_momentum: bool = True,
                 base_momentum: float | list[float] = 0.8,
                 max_momentum: float | list[float] = 0.9, last_epoch: int = -1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        base_lrs = _per_group("base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups, strict=True):
                group["lr"] = lr
        self.max_lrs = _per_group("max_lr", optimizer, max_lr)
        step_size_up = float(step_size_up)
        step_size_down = float(step_size_down) if step_size_down is not None else step_size_up
        self.total_size = step_size_up + step_size_down
        self.step_ratio = step_size_up / self.total_size
        if mode not in ("triangular", "triangular2", "exp_range") and scale_fn is None:
            raise ValueError(
                f"mode {mode!r} is invalid and scale_fn is None; use 'triangular', "
                "'triangular2' or 'exp_range', or pass a scale_fn"
            )
        if scale_mode not in ("cycle", "iterations"):
            raise ValueError(f"scale_mode must be 'cycle' or 'iterations', got {scale_mode!r}")
        self.mode = mode
        self.gamma = gamma
        self._scale_fn_custom = scale_fn
        self.scale_mode = scale_mode
        self._init_scale_fn()

        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError(
                    "optimizer must support momentum or beta1 with `cycle_momentum` option enabled"
                )
            self.use_beta1 = "betas" in optimizer.defaults
            self.base_momentums = _per_group("base_momentum", optimizer, base_momentum)
            self.max_momentums = _per_group("max_momentum", optimizer, max_momentum)
            if last_epoch == -1:
                for top, base, group in zip(self.max_momentums, self.base_momentums,
                                            optimizer.param_groups, strict=True):
                    self._set_momentum(group, top)
                    group["max_momentum"] = top
                    group["base_momentum"] = base
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def _init_scale_fn(self) -> None:
        if self._scale_fn_custom is not None:
            return
        if self.mode == "triangular":
            self._scale_fn_ref, self.scale_mode = _triangular_scale_fn, "cycle"
        elif self.mode == "triangular2":
            self._scale_fn_ref, self.scale_mode = _triangular2_scale_fn, "cycle"
        else:
            self._scale_fn_ref = partial(_exp_range_scale_fn, self.gamma)
            self.scale_mode = "iterations"

    def scale_fn(self, x: float) -> float:
        """The height of the cycle at ``x`` (the cycle number, or the step count).

        Examples:
            >>> import autograd as ag, optim
            >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
            >>> sched = optim.lr_scheduler.CyclicLR(opt, 0.01, 0.1, mode='triangular2')
            >>> [sched.scale_fn(cycle) for cycle in (1, 2, 3)]
            [1.0, 0.5, 0.25]
        """
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        return self._scale_fn_ref(x)

    def _set_momentum(self, group: dict, value: float) -> None:
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value

    def get_lr(self) -> list[float]:
        t = self.last_epoch
        cycle = math.floor(1 + t / self.total_size)
        x = 1.0 + t / self.total_size - cycle
        if x <= self.step_ratio:
            h = x / self.step_ratio
        else:
            h = (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else t)
        lrs = [base + (top - base) * h * scale
               for base, top in zip(self.base_lrs, self.max_lrs, strict=True)]
        if self.cycle_momentum:
            for group, base, top in zip(self.optimizer.param_groups, self.base_momentums,
                                        self.max_momentums, strict=True):
                self._set_momentum(group, top - (top - base) * h * scale)
        return lrs

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer and the scale functions (a callable object's
        attributes are kept, as PyTorch does; a plain function or lambda is not).

        Examples:
            >>> import autograd as ag, optim
            >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
            >>> sched = optim.lr_scheduler.CyclicLR(opt, 0.01, 0.1, mode='triangular2')
            >>> state = sched.state_dict()
            >>> 'optimizer' in state, state['mode'], state['_scale_fn_custom']
            (False, 'triangular2', None)
        """
        state = super().state_dict()
        state.pop("_scale_fn_ref", None)
        fn = state.pop("_scale_fn_custom")
        state["_scale_fn_custom"] = None
        if fn is not None and not isinstance(fn, types.FunctionType):
            state["_scale_fn_custom"] = fn.__dict__.copy()
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned; the scale function is rebuilt from the options.

        Examples:
            >>> import autograd as ag, optim
            >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
            >>> sched = optim.lr_scheduler.CyclicLR(opt, 0.01, 0.1, mode='triangular2')
            >>> for step in range(3):
            ...     opt.step()
            ...     sched.step()
            >>> restored = optim.lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1)
            >>> restored.load_state_dict(sched.state_dict())
            >>> restored.mode, restored.last_epoch, restored.scale_fn(2)
            ('triangular2', 3, 0.5)
        """
        state_dict = dict(state_dict)
        fn = state_dict.pop("_scale_fn_custom", None)
        super().load_state_dict(state_dict)
        if fn is not None and self._scale_fn_custom is not None:
            self._scale_fn_custom.__dict__.update(fn)
        self._init_scale_fn()


def _triangular_scale_fn(x: float) -> float:
    return 1.0


def _triangular2_scale_fn(x: float) -> float:
    return 1 / (2.0 ** (x - 1))


def _exp_range_scale_fn(gamma: float, x: float) -> float:
    return gamma**x


class CosineAnnealingWarmRestarts(LRScheduler):
    r"""Cosine annealing with warm restarts (SGDR, Loshchilov & Hutter, 2016).

    eta_t = eta_min + (base_lr - eta_min) (1 + cos(pi T_cur / T_i)) / 2, where
    T_cur counts the epochs since the last restart and T_i is the length of
    the current period: T_0 at first, T_mult times longer after each restart.
    At a restart the rate jumps back to base_lr.

    ``step()`` advances one epoch; ``step(epoch)`` jumps to ``epoch``, which
    may be fractional (``scheduler.step(epoch + i / iters)`` once per batch);
    the two can be mixed.

    Call ``sched.step()`` once per epoch, after the epoch's ``opt.step()`` calls; ``get_last_lr()``
    gives the rates it set.

    Examples:
        >>> import autograd as ag, optim
        >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
        >>> sched = optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3)
        >>> lrs = []
        >>> for epoch in range(6):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(round(sched.get_last_lr()[0], 5))
        >>> lrs
        [0.075, 0.025, 0.1, 0.075, 0.025, 0.1]
    """

    def __init__(self, optimizer: Optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0,
                 last_epoch: int = -1):
        if not isinstance(T_0, int) or T_0 <= 0:
            raise ValueError(f"Expected positive integer T_0, but got {T_0}")
        if not isinstance(T_mult, int) or T_mult < 1:
            raise ValueError(f"Expected integer T_mult >= 1, but got {T_mult}")
        if not isinstance(eta_min, (float, int)):
            raise ValueError(
                f"Expected float or int eta_min, but got {eta_min} of type {type(eta_min)}"
            )
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [self.eta_min + (base - self.eta_min)
                * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
                for base in self.base_lrs]

    def step(self, epoch: float | None = None) -> None:
        """Advance one epoch, or jump to ``epoch`` (fractional epochs allowed).

        Examples:
            >>> import autograd as ag, optim
            >>> opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1)
            >>> sched = optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=4)
            >>> sched.step(2.0)
            >>> round(sched.get_last_lr()[0], 4)
            0.05
        """
        self._step_count += 1
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:  # a restart: the next period is T_mult times longer
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        else:
            if epoch < 0:
                raise ValueError(f"Expected non-negative epoch, but got {epoch}")
            if epoch >= self.T_0:
                if self.T_mult == 1:
                    self.T_cur = epoch % self.T_0
                else:
                    # the periods before restart n add up to T_0 (T_mult^n - 1) / (T_mult - 1)
                    n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                    self.T_cur = epoch - self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
                    self.T_i = self.T_0 * self.T_mult**n
            else:
                self.T_i = self.T_0
                self.T_cur = epoch
        self.last_epoch = math.floor(epoch)
        for group, lr in zip(self.optimizer.param_groups, self.get_lr(), strict=True):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]
