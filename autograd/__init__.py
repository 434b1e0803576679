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

from . import backend, cuda, data, dtypes, viz  # noqa: E402,I001 - as torch.utils.data: reachable after import
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
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .ops.arithmetic import (
    add,
    addcdiv,
    addcmul,
    div,
    floor_divide,
    lerp,
    mul,
    neg,
    pow,
    remainder,
    sub,
)
from .ops.linalg import bmm, dot, einsum, matmul, mm, outer
from .ops.reduction import (
    amax,
    amin,
    cumsum,
    log_softmax,
    logsumexp,
    mean,
    prod,
    softmax,
    sum,
    var,
)
from .ops.select import clamp, maximum, minimum, where
from .ops.shape import (
    cat,
    chunk,
    expand,
    flatten,
    flip,
    gather,
    index_select,
    masked_select,
    narrow,
    permute,
    reshape,
    roll,
    split,
    squeeze,
    stack,
    tile,
    transpose,
    unbind,
    unsqueeze,
)
from .ops.unary import (
    abs,
    acos,
    asin,
    atan,
    ceil,
    cos,
    cosh,
    erf,
    exp,
    expm1,
    floor,
    log,
    log1p,
    log2,
    log10,
    reciprocal,
    relu,
    round,
    rsqrt,
    sigmoid,
    sin,
    sinh,
    sqrt,
    tanh,
    trunc,
)
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

bool = bool_  # noqa: A001 - PyTorch's name for the dtype
half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001
clip = clamp
concat = concatenate = cat
arctan, arcsin, arccos = atan, asin, acos


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


def clamp_min(input: Tensor, min: _Any) -> Tensor:  # noqa: A002
    return input.clamp_min(min)


def clamp_max(input: Tensor, max: _Any) -> Tensor:  # noqa: A002
    return input.clamp_max(max)


def isnan(input: Tensor) -> Tensor:
    return input.isnan()


def isfinite(input: Tensor) -> Tensor:
    return input.isfinite()


def all(input: Tensor, dim: _Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    return input.all(dim, keepdim)


def any(input: Tensor, dim: _Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    return input.any(dim, keepdim)


def norm(input: Tensor, p: _Any = "fro", dim: _Any = None, keepdim: bool = False) -> Tensor:
    """The p-norm (Frobenius/2 by default) over ``dim``, as ``torch.norm``."""
    return input.norm(p, dim, keepdim)


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> _Any:
    return input.sort(dim, descending, stable)


def argsort(input: Tensor, dim: int = -1, descending: bool = False,
            stable: bool = False) -> Tensor:
    return input.argsort(dim, descending, stable)


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True,
         sorted: bool = True) -> _Any:  # noqa: A002
    return input.topk(k, dim, largest, sorted)


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
           return_counts: bool = False, dim: _Any = None) -> _Any:
    return input.unique(sorted, return_inverse, return_counts, dim)


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    return input.allclose(other, rtol, atol, equal_nan)


def equal(input: Tensor, other: Tensor) -> bool:
    return input.equal(other)


def count_nonzero(input: Tensor, dim: _Any = None) -> Tensor:
    return input.count_nonzero(dim)


# --- compat-names: more of PyTorch's names --------------------------------------------------
from . import accelerator  # noqa: E402 - ag.accelerator, as torch.accelerator
from .backend import get_default_device, set_default_device  # noqa: E402
from .legacy import (  # noqa: E402
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
    set_default_tensor_type,
)
from .ops.arithmetic import atan2  # noqa: E402
from .ops.reduction import median, var_mean  # noqa: E402
from .ops.select import masked_fill  # noqa: E402
from .ops.shape import diag, scatter, tril, triu  # noqa: E402
from .ops.unary import exp2  # noqa: E402
from .size import Size  # noqa: E402

arctan2 = atan2


__version__ = "0.1.0"


# --- PyTorch's dotted names: torch.autograd, torch.utils.data, torch.nn, torch.optim -------------
from . import _aliases, autograd, functional, utils  # noqa: E402 - ag.autograd.grad, ag.utils.data
from .autograd import backward  # noqa: E402

_aliases.install()  # `import autograd.nn as nn` and `from autograd.optim import SGD` work


def __getattr__(name: str) -> _Any:
    """``ag.nn`` and ``ag.optim``: the top-level packages, imported on first use (PEP 562)."""
    if name in ("nn", "optim"):
        return _aliases.resolve(name)
    raise AttributeError(f"module 'autograd' has no attribute {name!r}")
