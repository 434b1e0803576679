"""``Optimizer``: parameter groups, per-parameter state, ``zero_grad``, ``state_dict``.

Every optimizer follows the algorithm box of PyTorch's documentation and its
reference implementation, so the same weights, gradients and options give the
same numbers. The update itself runs on the backend arrays (``p._array``) with
in-place ufuncs (``out=``, ``*=``, ``+=``): no graph, few temporaries, and the
state arrays live on the parameter's device because they are made from it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

import autograd as ag
from autograd.backend import device_of, get_array_module

__all__ = ["Optimizer", "ParamsT"]

_ndarray = np.ndarray

ParamsT = Iterable[ag.Tensor] | Iterable[dict[str, Any]] | Iterable[tuple[str, ag.Tensor]]


class Optimizer:
    """Base class of the optimizers, as ``torch.optim.Optimizer``.

    Args:
        params: an iterable of Tensors, of ``(name, Tensor)`` pairs (as
            ``model.named_parameters()`` gives), or of dicts, each one a
            parameter group ``{'params': [...], 'lr': ..., ...}`` whose
            options override ``defaults``.
        defaults: the default value of every option (``lr``, ``momentum``...).

    Attributes:
        param_groups: list of dicts; ``group['params']`` is the list of
            tensors, the other keys the group's options (change
            ``group['lr']`` to change the learning rate, as schedulers do).
        state: per-parameter state (momentum buffers, moment estimates,
            step counts), a dict keyed by the parameter tensor itself.

    Subclasses (SGD, Adam, ...) define the update; every one has ``zero_grad()``, ``step()``,
    ``state_dict()``, ``load_state_dict()`` and ``add_param_group()``. An empty ``params``, or a
    single Tensor instead of an iterable, raises ValueError or TypeError.

    Examples:
        >>> import autograd as ag, optim
        >>> import nn
        >>> model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
        >>> opt = optim.SGD([{'params': model[0].parameters(), 'lr': 0.01},
        ...               {'params': model[2].parameters()}], lr=0.1, momentum=0.9)
        >>> [(g['lr'], g['momentum'], len(g['params'])) for g in opt.param_groups]
        [(0.01, 0.9, 2), (0.1, 0.9, 2)]
    """

    def __init__(self, params: ParamsT, defaults: dict[str, Any]):
        if isinstance(params, ag.Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got {type(params).__name__}; pass [tensor] or model.parameters()"
            )
        if isinstance(params, (set, frozenset)):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        self.defaults = defaults
        self.state: defaultdict[ag.Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []

        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    # --- parameter groups ---------------------------------------------------------------
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options (missing options take the defaults).

        Examples:
            >>> import autograd as ag, optim
            >>> opt = optim.SGD([ag.zeros(2, requires_grad=True)], lr=0.1)
            >>> opt.add_param_group({'params': [ag.zeros(3, requires_grad=True)], 'lr': 0.01})
            >>> [g['lr'] for g in opt.param_groups]
            [0.1, 0.01]
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        group = dict(param_group)
        params = group.get("params")
        if params is None:
            raise ValueError("a parameter group needs a 'params' entry")
        if isinstance(params, ag.Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        params = list(params)

        names = [p[0] for p in params if isinstance(p, tuple)]
        tensors = [p[1] if isinstance(p, tuple) else p for p in params]
        if names:
            if len(names) != len(tensors):
                raise ValueError(
                    "all optimizer params should be with/without names. Some param names are "
                    "missing"
                )
            group["param_names"] = names
        group["params"] = tensors

        for i, p in enumerate(tensors):
            if not isinstance(p, ag.Tensor):
                raise TypeError(
                    f"optimizer can only optimize Tensors, but parameter {i} of the group is a "
                    f"{type(p).__name__}"
                )
            if not p.is_leaf:
                raise ValueError(
                    f"can't optimize a non-leaf Tensor (parameter {i} of the group was made "
                    "by an operation); optimize the leaf it was computed from"
                )
        if len({id(p) for p in tensors}) != len(tensors):
            raise ValueError("optimizer contains a parameter group with duplicate parameters")
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        self._check_options(group)

        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in tensors):
            raise ValueError("some parameters appear in more than one parameter group")
        named = "param_names" in group
        if self.param_groups and named != ("param_names" in self.param_groups[0]):
            raise ValueError(
                "all optimizer param groups should be with/without names: cannot add a group "
                f"{'with' if named else 'without'} names"
            )
        self.param_groups.append(group)

    def _check_options(self, group: dict[str, Any]) -> None:
        """Raise ValueError for options outside their range (each optimizer adds its own)."""
        _check_non_negative(group, "lr", "learning rate")

    # --- the training-loop API ------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: ``p.grad = None`` (default), or fill them with zeros in place.

        Examples:
            >>> import autograd as ag, optim
            >>> w = ag.tensor([1.0], requires_grad=True)
            >>> opt = optim.SGD([w], lr=0.1)
            >>> (3 * w).sum().backward()
            >>> w.grad
            tensor([3.])
            >>> opt.zero_grad()
            >>> w.grad is None
            True
        """
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    if p._grad.grad_fn is not None:
                        p._grad.detach_()
                    else:
                        p._grad.requires_grad_(False)
                    with ag.no_grad():
                        p._grad.zero_()

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient; returns ``closure()`` if given.

        ``closure`` re-evaluates the model and returns the loss (it runs with
        gradients enabled, before the update).

        Examples:
            >>> import autograd as ag, optim
            >>> w = ag.tensor([1.0], requires_grad=True)
            >>> opt = optim.SGD([w], lr=0.1)
            >>> (3 * w).sum().backward()
            >>> opt.step()
            >>> w
            tensor([0.7000], requires_grad=True)
        """
        loss = None
        if closure is not None:
            with ag.enable_grad():
                loss = closure()
        # All or nothing: every gradient is checked before any parameter changes, so a bad
        # one cannot leave the model half updated (and numpy's error far from its cause).
        self._check_grads()
        # No no_grad() needed: the updates work on the arrays (p._array), not on Tensors.
        for group in self.param_groups:
            self._update_group(group)
            for p in group["params"]:
                if p._grad is not None:
                    p._version_counter[0] += 1  # a graph that saved p refuses now
        return loss

    def _check_grads(self) -> None:
        """Raise a RuntimeError unless every gradient fits its parameter (shape, dtype, device).

        Values are not checked: a step with inf or nan gradients runs, as in PyTorch.
        """
        for group in self.param_groups:
            for p in group["params"]:
                grad = p._grad
                if grad is None:
                    continue
                g, theta = grad._array, p._array
                # the usual case (host arrays, numpy's one object per dtype) in a few
                # comparisons; anything else is looked at closely
                if g.shape != theta.shape or g.dtype is not theta.dtype \
                        or type(g) is not _ndarray or type(theta) is not _ndarray:
                    self._check_grad(p, group)

    def _check_grad(self, p: ag.Tensor, group: dict[str, Any]) -> None:
        g, theta = p._grad._array, p._array
        if g.shape == theta.shape and g.dtype == theta.dtype and type(g) is type(theta) \
                and device_of(g) == device_of(theta):
            return
        raise RuntimeError(
            f"{type(self).__name__}.step(): parameter "
            f"{next(i for i, q in enumerate(group['params']) if q is p)} of parameter group "
            f"{next(i for i, h in enumerate(self.param_groups) if h is group)} has shape "
            f"{tuple(theta.shape)}, dtype {p.dtype} on {p.device}, but its gradient has shape "
            f"{tuple(g.shape)}, dtype {p._grad.dtype} on {p._grad.device}; no parameter was "
            "updated. A gradient must match its parameter: set p.grad to a tensor like p "
            "(or None)"
        )

    def _update_group(self, group: dict[str, Any]) -> None:
        raise NotImplementedError(f"{type(self).__name__} does not implement its update")

    # --- saving and loading ---------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state in PyTorch's layout, with parameters replaced by indices.

        ``{'state': {0: {'step': 3, 'exp_avg': tensor, ...}, ...},
        'param_groups': [{'lr': 0.001, ..., 'params': [0, 1, ...]}, ...]}``.
        Indices count the parameters of all groups in order. The state tensors
        are the optimizer's own (not copies), as in PyTorch; ``ag.save`` writes them.

        Examples:
            >>> import autograd as ag, optim
            >>> w = ag.tensor([1.0], requires_grad=True)
            >>> opt = optim.SGD([w], lr=0.1, momentum=0.9)
            >>> (3 * w).sum().backward()
            >>> opt.step()
            >>> sd = opt.state_dict()
            >>> sd['state']
            {0: {'momentum_buffer': tensor([3.])}}
            >>> sd['param_groups'][0]['params'], sd['param_groups'][0]['lr']
            ([0], 0.1)
        """
        index_of: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index_of.setdefault(id(p), len(index_of))
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {index_of[id(p)]: dict(s) for p, s in self.state.items() if id(p) in index_of}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned (or ``ag.load`` read back).

        The state is copied onto each parameter's device and dtype, so the
        loaded optimizer continues exactly where the saved one stopped.

        Examples:
            >>> import autograd as ag, optim
            >>> w = ag.tensor([1.0], requires_grad=True)
            >>> opt = optim.SGD([w], lr=0.1)
            >>> saved = opt.state_dict()
            >>> opt.param_groups[0]['lr'] = 0.5
            >>> opt.load_state_dict(saved)
            >>> opt.param_groups[0]['lr']
            0.1
        """
        if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= state_dict.keys():
            raise ValueError(
                "an optimizer state_dict is a dict with the keys 'state' and 'param_groups'; got "
                + (f"keys {sorted(map(str, state_dict))}" if isinstance(state_dict, dict)
                   else type(state_dict).__name__)
            )
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"loaded state dict has a different number of parameter groups "
                f"({len(saved_groups)}) than the optimizer ({len(self.param_groups)})"
            )
        for i, (group, saved) in enumerate(zip(self.param_groups, saved_groups, strict=True)):
            if len(group["params"]) != len(saved["params"]):
                raise ValueError(
                    f"loaded state dict contains a parameter group that doesn't match the size "
                    f"of optimizer's group: group {i} has {len(saved['params'])} parameters in "
                    f"the state dict, {len(group['params'])} in the optimizer"
                )
        param_of = {
            index: p
            for group, saved in zip(self.param_groups, saved_groups, strict=True)
            for index, p in zip(saved["params"], group["params"], strict=True)
        }

        state: defaultdict[ag.Tensor, dict[str, Any]] = defaultdict(dict)
        for index, param_state in state_dict["state"].items():
            index = int(index)
            if index not in param_of:
                raise ValueError(
                    f"loaded state dict has state for parameter {index}, which is in none of "
                    f"its parameter groups (they hold {sorted(param_of)})"
                )
            p = param_of[index]
            state[p] = {key: _cast_state(value, p, index, key)
                        for key, value in param_state.items()}

        new_groups = []
        for group, saved in zip(self.param_groups, saved_groups, strict=True):
            new_group = {k: (tuple(v) if k == "betas" else v)
                         for k, v in saved.items() if k != "params"}
            new_group["params"] = group["params"]
            new_groups.append(new_group)
        self.state = state
        self.param_groups = new_groups

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {key}: {group[key]}" for key in sorted(group) if key != "params"]
        return "\n".join(lines) + "\n)"


# --- helpers shared by the optimizers ---------------------------------------------------------
def _cast_state(value: Any, param: ag.Tensor, index: int, key: str) -> Any:
    """A copy of one loaded state value, on ``param``'s device and (for floats) its dtype."""
    if not isinstance(value, ag.Tensor):
        return value
    if value.ndim > 0 and tuple(value.shape) != tuple(param.shape):
        raise ValueError(
            f"loaded state dict has state['{key}'] of shape {tuple(value.shape)} for parameter "
            f"{index}, whose shape is {tuple(param.shape)}"
        )
    dtype = param.dtype if value.dtype.is_floating_point else value.dtype
    return ag.tensor(value._array, dtype=dtype, device=param.device)


def _check_non_negative(group: dict[str, Any], key: str, what: str) -> None:
    value = group.get(key, 0.0)
    if not value >= 0.0:
        raise ValueError(f"Invalid {what}: {value} ({key} must be >= 0)")


def zeros_state(p: ag.Tensor, fill_value: float = 0.0) -> ag.Tensor:
    """A state tensor shaped, typed and placed like ``p`` (made once, updated in place).

    Examples:
        >>> import autograd as ag
        >>> from optim.optimizer import zeros_state
        >>> p = ag.ones(2, 3, dtype=ag.float64, requires_grad=True)
        >>> state = zeros_state(p, 0.5)
        >>> state
        tensor([[0.5000, 0.5000, 0.5000],
                [0.5000, 0.5000, 0.5000]], dtype=autograd.float64)
        >>> state.requires_grad
        False
    """
    xp = get_array_module(p._array)
    arr = xp.zeros_like(p._array)
    if fill_value != 0.0:
        arr.fill(fill_value)
    return ag.as_tensor(arr)


def decayed_grad(p: Any, lr: float, weight_decay: float, maximize: bool,
                 decoupled: bool) -> Any:
    """The gradient array an Adam-family update of ``p`` uses. Weight decay lambda is added
    to the gradient (L2), or, ``decoupled`` (AdamW's rule), applied to the parameter
    itself first: theta *= 1 - lr * lambda.

    Examples:
        >>> import autograd as ag
        >>> from optim.optimizer import decayed_grad
        >>> p = ag.tensor([1.0, 2.0], requires_grad=True)
        >>> (p * p).sum().backward()
        >>> decayed_grad(p, lr=0.1, weight_decay=0.5, maximize=False, decoupled=False)
        array([2.5, 5. ], dtype=float32)
        >>> decayed_grad(p, lr=0.1, weight_decay=0.5, maximize=False, decoupled=True)
        array([2., 4.], dtype=float32)
        >>> p
        tensor([0.9500, 1.9000], requires_grad=True)
    """
    theta = p._array
    if not decoupled:
        return effective_grad(p._grad._array, theta, weight_decay, maximize)
    if weight_decay != 0:
        theta *= 1 - lr * weight_decay
    return effective_grad(p._grad._array, theta, 0, maximize)


def effective_grad(grad: Any, theta: Any, weight_decay: float, maximize: bool) -> Any:
    """g_t = -grad if maximize else grad, plus lambda * theta when weight_decay = lambda != 0.

    Takes and returns arrays. Returns ``grad`` itself when nothing changes it
    (read-only use), otherwise a new array: ``p._grad`` is never modified.

    Examples:
        >>> import numpy as np
        >>> from optim.optimizer import effective_grad
        >>> grad, theta = np.array([1.0, -2.0]), np.array([3.0, 4.0])
        >>> effective_grad(grad, theta, weight_decay=0.1, maximize=True)
        array([-0.7,  2.4])
        >>> effective_grad(grad, theta, weight_decay=0, maximize=False) is grad
        True
    """
    if maximize:
        grad = -grad
    if weight_decay != 0:
        decayed = theta * weight_decay
        decayed += grad
        grad = decayed
    return grad
