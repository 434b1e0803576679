"""``nn.init``: fill weights in place with PyTorch's initialisation schemes.

Every function writes into the tensor's array under ``no_grad`` and returns
the tensor. Random ones take ``generator=`` (default: the global generator
that ``ag.manual_seed`` seeds). The numbers follow PyTorch's formulas; the
random streams differ (numpy's PCG64, not PyTorch's generator).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import autograd as ag

Tensor = ag.Tensor

__all__ = [
    "calculate_gain", "uniform_", "normal_", "constant_", "ones_", "zeros_", "eye_",
    "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
]

_LINEAR_FAMILY = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                  "conv_transpose2d", "conv_transpose3d", "sigmoid", "identity")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for an activation: 1 (linear, sigmoid), 5/3 (tanh), sqrt(2) (relu),
    sqrt(2 / (1 + slope^2)) (leaky_relu, slope 0.01 by default), 3/4 (selu).

    An unknown nonlinearity raises ValueError.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.init.calculate_gain('relu')
        1.4142135623730951
        >>> nn.init.calculate_gain('leaky_relu', 0.2)
        1.3867504905630728
    """
    if nonlinearity in _LINEAR_FAMILY:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """(fan_in, fan_out): inputs and outputs per neuron; a Linear weight (out, in) gives (in, out).
    """
    if tensor.ndim < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"
        )
    receptive_field = 1
    for n in tensor.shape[2:]:
        receptive_field *= n
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Tensor:
    """Fill with U(a, b).

    Returns ``tensor``, filled in place.

    Examples:
        >>> import autograd as ag, nn
        >>> w = nn.init.uniform_(ag.empty(1000), -0.1, 0.1)
        >>> bool((w.abs() <= 0.1).all())
        True
    """
    with ag.no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Any = None) -> Tensor:
    """Fill with N(mean, std^2).

    Returns ``tensor``, filled in place.

    Examples:
        >>> import autograd as ag, nn
        >>> w = nn.init.normal_(ag.empty(10000), mean=0.0, std=0.5)
        >>> round(w.std().item(), 1)
        0.5
    """
    with ag.no_grad():
        return tensor.normal_(mean, std, generator=generator)


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``, in place; returns ``tensor``.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.init.constant_(ag.empty(3), 0.5)
        tensor([0.5000, 0.5000, 0.5000])
    """
    with ag.no_grad():
        return tensor.fill_(val)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with 1, in place; returns ``tensor``.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.init.ones_(ag.empty(2))
        tensor([1., 1.])
    """
    return constant_(tensor, 1.0)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with 0, in place; returns ``tensor``.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.init.zeros_(ag.empty(2))
        tensor([0., 0.])
    """
    return constant_(tensor, 0.0)


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D tensor with the identity matrix.

    A tensor that is not 2-D raises ValueError. Returns ``tensor``.

    Examples:
        >>> import autograd as ag, nn
        >>> nn.init.eye_(ag.empty(2, 3))
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    with ag.no_grad():
        tensor.copy_(ag.eye(tensor.shape[0], tensor.shape[1], dtype=tensor.dtype,
                            device=tensor.device))
    return tensor


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """Glorot: U(-a, a), a = gain sqrt(6 / (fan_in + fan_out)).

    ``tensor`` needs at least 2 dimensions (fan_in = size(1) x receptive field, fan_out = size(0) x
    receptive field), else ValueError. Returns ``tensor``, filled in place.

    Examples:
        >>> import autograd as ag, nn
        >>> w = nn.init.xavier_uniform_(ag.empty(200, 300))
        >>> bool((w.abs() <= (6 / 500) ** 0.5).all())
        True
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """Glorot: N(0, std^2), std = gain sqrt(2 / (fan_in + fan_out)).

    ``tensor`` needs at least 2 dimensions (fan_in = size(1) x receptive field, fan_out = size(0) x
    receptive field), else ValueError. Returns ``tensor``, filled in place.

    Examples:
        >>> import autograd as ag, nn
        >>> w = nn.init.xavier_normal_(ag.empty(200, 300))
        >>> round(w.std().item(), 3), round((2 / 500) ** 0.5, 3)
        (0.063, 0.063)
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str) -> float | None:
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return None
    fan = _calculate_correct_fan(tensor, mode)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor: Tensor, a: float = 0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator: Any = None) -> Tensor:
    """He: U(-bound, bound), bound = gain sqrt(3 / fan), gain = calculate_gain(nonlinearity, a).

    With a = sqrt(5) (what Linear uses) the bound is 1/sqrt(fan_in).

    ``tensor`` needs at least 2 dimensions (fan_in = size(1) x receptive field, fan_out = size(0) x
    receptive field), else ValueError. Returns ``tensor``, filled in place. ``mode`` is 'fan_in'
    (default) or 'fan_out'.

    Examples:
        >>> import autograd as ag, nn
        >>> w = nn.init.kaiming_uniform_(ag.empty(256, 100), nonlinearity='relu')
        >>> bool((w.abs() <= (6 / 100) ** 0.5).all())
        True
    """
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    if std is None:
        return tensor
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator: Any = None) -> Tensor:
    """He: N(0, std^2), std = gain / sqrt(fan).

    ``tensor`` needs at least 2 dimensions (fan_in = size(1) x receptive field, fan_out = size(0) x
    receptive field), else ValueError. Returns ``tensor``, filled in place.

    Examples:
        >>> import autograd as ag, nn
        >>> w = nn.init.kaiming_normal_(ag.empty(256, 100), nonlinearity='relu')
        >>> round(w.std().item(), 2), round((2 / 100) ** 0.5, 2)
        (0.14, 0.14)
    """
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    if std is None:
        return tensor
    return normal_(tensor, 0.0, std, generator)
