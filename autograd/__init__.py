"""gradschool's autograd: a reverse-mode automatic differentiation engine on numpy.

Used as PyTorch is used::

    import autograd as ag

    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    x.grad          # tensor([2., 4., 6.])

Note: HIPS autograd also installs a top-level package named ``autograd``;
the two cannot share one environment.
"""

from __future__ import annotations

from typing import Any as _Any

from . import backend, dtypes
from .anomaly import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .backend import Device, device
from .creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    tensor,
    zeros,
    zeros_like,
)
from .dtypes import (
    DType,
    bool_,
    float16,
    float32,
    float64,
    get_default_dtype,
    int8,
    int16,
    int32,
    int64,
    set_default_dtype,
    uint8,
)
from .engine import grad
from .function import Function, FunctionCtx
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .ops.arithmetic import add, div, floor_divide, mul, neg, pow, remainder, sub
from .ops.linalg import matmul
from .ops.reduction import amax, amin, log_softmax, logsumexp, mean, softmax, sum, var
from .ops.select import clamp, maximum, minimum, where
from .ops.shape import cat, expand, flatten, gather, permute, reshape, squeeze, stack, transpose, unsqueeze
from .ops.unary import abs, cos, exp, log, relu, sigmoid, sin, sqrt, tanh
from .random import (
    Generator,
    bernoulli,
    default_generator,
    manual_seed,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    seed,
)
from .serialization import load, save
from .tensor import Tensor

from . import cuda, data, viz  # noqa: E402,I001 - as torch.utils.data: reachable after import

bool = bool_  # noqa: A001 - PyTorch's name for the dtype
half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001
clip = clamp
concat = concatenate = cat


def max(input: Tensor, dim: _Any = None, keepdim: bool = False) -> _Any:  # noqa: A001
    """The largest value, or (values, indices) along ``dim``, or the element-wise maximum."""
    return input.max(dim, keepdim)


def min(input: Tensor, dim: _Any = None, keepdim: bool = False) -> _Any:  # noqa: A001
    return input.min(dim, keepdim)


def argmax(input: Tensor, dim: _Any = None, keepdim: bool = False) -> Tensor:
    return input.argmax(dim, keepdim)


def argmin(input: Tensor, dim: _Any = None, keepdim: bool = False) -> Tensor:
    return input.argmin(dim, keepdim)


def std(input: Tensor, dim: _Any = None, *, correction: int = 1, keepdim: bool = False) -> Tensor:
    return input.std(dim, correction=correction, keepdim=keepdim)


def square(input: Tensor) -> Tensor:
    return input.square()


def sign(input: Tensor) -> Tensor:
    return input.sign()


def is_tensor(obj: _Any) -> bool:
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    return input.numel()


def clone(input: Tensor) -> Tensor:
    return input.clone()


def detach(input: Tensor) -> Tensor:
    return input.detach()


__version__ = "0.1.0"
