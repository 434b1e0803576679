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
from .function import Function, FunctionCtx
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .grads import grad
from .ops.table import FUNCTIONS as _FUNCTIONS  # importing the table installs the methods
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

globals().update(_FUNCTIONS)  # ag.exp, ag.sum, ag.cat, ...: the functions of the op table

bool = bool_  # noqa: A001 - PyTorch's name for the dtype
half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001


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
from .size import Size  # noqa: E402

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
