"""Element-wise functions of one tensor, each f(x) with its df/dx.

Where df/dx is cheaper from the output y = f(x) (exp, tanh, sigmoid, sqrt,
relu), the output is saved instead of the input.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..backend import expit, get_array_module
from ..dtypes import NUMPY_FLOAT32 as _float32
from ..dtypes import default_float, scalar_like
from ..function import Op
from .activations import ArcTan, Erf, Expm1, Log1p

_ndarray = np.ndarray  # read once: np.X in a function is a full lookup (numpy's __getattr__)


def _as_float(x: Any) -> Any:
    """Integer and bool inputs are computed in the default float dtype, as in PyTorch."""
    try:
        dtype = x.dtype
    except AttributeError:  # a Python number
        return get_array_module(x).asarray(x, dtype=default_float())
    # float32 by identity first: the usual case, without reading dtype.kind
    return x if dtype is _float32 or dtype.kind == "f" else x.astype(default_float())


class Exp(Op):
    """y = e^x;  dy/dx = y."""

    @staticmethod
    def forward(ctx, x):
        x = _as_float(x)
        y = get_array_module(x).exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y


class Log(Op):
    """y = ln x;  dy/dx = 1/x."""

    @staticmethod
    def forward(ctx, x):
        x = _as_float(x)
        ctx.save_for_backward(x)
        return get_array_module(x).log(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / x


class Sqrt(Op):
    """y = sqrt(x);  dy/dx = 1 / (2 y)."""

    @staticmethod
    def forward(ctx, x):
        x = _as_float(x)
        y = get_array_module(x).sqrt(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad / (2 * y)


class Abs(Op):
    """y = |x|;  dy/dx = sign(x) (0 at 0, as in PyTorch)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return get_array_module(x).abs(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * get_array_module(grad).sign(x)


class Sign(Op):
    """y = sign(x) in {-1, 0, 1};  dy/dx = 0: the result stays in the graph, as in PyTorch."""

    @staticmethod
    def forward(ctx, x):
        return get_array_module(x).sign(x)

    @staticmethod
    def backward(ctx, grad):
        return get_array_module(grad).zeros_like(grad)


class Sin(Op):
    """y = sin x;  dy/dx = cos x."""

    @staticmethod
    def forward(ctx, x):
        x = _as_float(x)
        ctx.save_for_backward(x)
        return get_array_module(x).sin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * get_array_module(grad).cos(x)


class Cos(Op):
    """y = cos x;  dy/dx = -sin x."""

    @staticmethod
    def forward(ctx, x):
        x = _as_float(x)
        ctx.save_for_backward(x)
        return get_array_module(x).cos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad * get_array_module(grad).sin(x)


class Tanh(Op):
    """y = tanh x;  dy/dx = 1 - y^2."""

    @staticmethod
    def forward(ctx, x):
        x = _as_float(x)
        y = get_array_module(x).tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (scalar_like(1, y) - y * y)


class Sigmoid(Op):
    """y = 1 / (1 + e^-x);  dy/dx = y (1 - y).

    One call of scipy's expit (cupyx's on a GPU): PyTorch's values, 0 below x = -88.7 in
    float32 and 1 above 16.6, without overflow warnings for x = -1000.
    """

    @staticmethod
    def forward(ctx, x):
        y = expit(_as_float(x))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (scalar_like(1, y) - y) * y  # PyTorch's order of the products


# The zero that relu compares with, per (last axis length, dtype): see _relu_floor.
_ZERO_ROWS: dict[tuple[int, Any], Any] = {}
_ZERO_ROW_MIN = 64


def _relu_floor(x: Any) -> Any:
    """0 as relu's other operand: for a float numpy array whose last axis holds at least 64
    elements, a row of zeros that long (read-only, cached), else the number 0 as a cached
    0-d array of x's dtype.

    Why: numpy 2 runs maximum against a broadcast scalar in a loop about twice as slow as
    against a row (128x512 float32: 33 against 15 us; 4096x2048: 6.8 against 5.2 ms).
    On short rows the per-row loop costs more than it saves, and the 0-d zero is cheaper.
    """
    if type(x) is not _ndarray or not x.ndim or x.shape[-1] < _ZERO_ROW_MIN \
            or x.dtype.kind != "f":
        return scalar_like(0, x)
    key = (x.shape[-1], x.dtype)
    try:
        return _ZERO_ROWS[key]
    except KeyError:
        pass
    if len(_ZERO_ROWS) > 64:  # many layer widths in one process: start over
        _ZERO_ROWS.clear()
    row = _ZERO_ROWS[key] = np.zeros(key[0], key[1])
    row.flags.writeable = False
    return row


class Relu(Op):
    """y = max(0, x);  dy/dx = 1 for x > 0, else 0.

    Saves dy/dx itself, the mask y != 0: a quarter of y's bytes, and y is then
    freed as soon as the ops that use it are done, not kept until this node's
    backward (in an MLP that is one activation less alive at the peak). As in
    PyTorch, a NaN input passes its gradient through (y = NaN is not <= 0), and
    -0.0 stays -0.0 (float16 aside: numpy's float16 maximum breaks the tie the other way).
    """

    @staticmethod
    def forward(ctx, x):
        # zero first: maximum then keeps x = -0.0 as it is, as PyTorch's relu does
        y = get_array_module(x).maximum(_relu_floor(x), x)
        ctx.save_for_backward(y != 0)
        return y

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        return grad * mask


def exp(input: Any) -> Any:
    """Element-wise e^x."""
    return Exp.apply(input)


def log(input: Any) -> Any:
    """Element-wise natural logarithm ln x."""
    return Log.apply(input)


def sqrt(input: Any) -> Any:
    """Element-wise square root."""
    return Sqrt.apply(input)


def abs(input: Any) -> Any:  # noqa: A001 - PyTorch's name
    """Element-wise absolute value |x|."""
    return Abs.apply(input)


def sin(input: Any) -> Any:
    """Element-wise sine (radians)."""
    return Sin.apply(input)


def cos(input: Any) -> Any:
    """Element-wise cosine (radians)."""
    return Cos.apply(input)


def tanh(input: Any) -> Any:
    """Element-wise hyperbolic tangent."""
    return Tanh.apply(input)


def sigmoid(input: Any) -> Any:
    """Element-wise logistic sigmoid 1 / (1 + e^-x)."""
    return Sigmoid.apply(input)


def relu(input: Any) -> Any:
    """Element-wise max(x, 0)."""
    return Relu.apply(input)


def sign(input: Any) -> Any:
    """Element-wise sign in {-1, 0, 1}; its gradient is 0."""
    return Sign.apply(input)


# --- more element-wise functions (PyTorch's names) -------------------------------------------

class Log2(Op):
    """y = log2 x;  dy/dx = 1 / (x ln 2)."""

    @staticmethod
    def forward(ctx, x):
        x = _as_float(x)
        ctx.save_for_backward(x)
        return get_array_module(x).log2(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * _LN2)


class Log10(Op):
    """y = log10 x;  dy/dx = 1 / (x ln 10)."""

    @staticmethod
    def forward(ctx, x):
        x = _as_float(x)
        ctx.save_for_backward(x)
        return get_array_module(x).log10(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * _LN10)


class Reciprocal(Op):
    """y = 1 / x;  dy/dx = -1/x^2 = -y^2."""

    @staticmethod
    def forward(ctx, x):
        x = _as_float(x)
        y = 1 / x
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return -grad * y * y


class Rsqrt(Op):
    """y = 1 / sqrt(x);  dy/dx = -1/2 x^{-3/2} = -y^3 / 2."""

    @staticmethod
    def forward(ctx, x):
        x = _as_float(x)
        y = 1 / get_array_module(x).sqrt(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return -0.5 * grad * y * y * y


class Asin(Op):
    """y = arcsin x, for |x| <= 1;  dy/dx = 1 / sqrt(1 - x^2)."""

    @staticmethod
    def forward(ctx, x):
        x = _as_float(x)
        ctx.save_for_backward(x)
        return get_array_module(x).arcsin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / get_array_module(grad).sqrt(1 - x * x)


class Acos(Op):
    """y = arccos x, for |x| <= 1;  dy/dx = -1 / sqrt(1 - x^2)."""

    @staticmethod
    def forward(ctx, x):
        x = _as_float(x)
        ctx.save_for_backward(x)
        return get_array_module(x).arccos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad / get_array_module(grad).sqrt(1 - x * x)


class Sinh(Op):
    """y = sinh x = (e^x - e^-x) / 2;  dy/dx = cosh x."""

    @staticmethod
    def forward(ctx, x):
        x = _as_float(x)
        ctx.save_for_backward(x)
        return get_array_module(x).sinh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * get_array_module(grad).cosh(x)


class Cosh(Op):
    """y = cosh x = (e^x + e^-x) / 2;  dy/dx = sinh x."""

    @staticmethod
    def forward(ctx, x):
        x = _as_float(x)
        ctx.save_for_backward(x)
        return get_array_module(x).cosh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * get_array_module(grad).sinh(x)


class Rounding(Op):
    """y = floor, ceil, trunc or round of x (``mode``);  dy/dx = 0 (a zero gradient flows, as
    in PyTorch). Integer inputs come back unchanged, in their own dtype."""
    backward_name = "RoundBackward0"
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, mode, decimals):
        ctx.backward_name = _ROUNDING_NAMES[mode]
        if x.dtype.kind in "biu":
            return x.copy()
        xp = get_array_module(x)
        if mode == "round":  # half to even, as PyTorch
            return xp.round(x, decimals) if decimals else xp.rint(x)
        return getattr(xp, mode)(x)

    @staticmethod
    def backward(ctx, grad):
        return get_array_module(grad).zeros_like(grad), None, None


_ROUNDING_NAMES = {"floor": "FloorBackward0", "ceil": "CeilBackward0",
                   "trunc": "TruncBackward0", "round": "RoundBackward0"}
_LN2 = 0.6931471805599453
_LN10 = 2.302585092994046


def log2(input: Any) -> Any:
    """Element-wise base-2 logarithm."""
    return Log2.apply(input)


def log10(input: Any) -> Any:
    """Element-wise base-10 logarithm."""
    return Log10.apply(input)


def reciprocal(input: Any) -> Any:
    """Element-wise 1 / x."""
    return Reciprocal.apply(input)


def rsqrt(input: Any) -> Any:
    """Element-wise 1 / sqrt(x)."""
    return Rsqrt.apply(input)


def asin(input: Any) -> Any:
    """Element-wise arcsine."""
    return Asin.apply(input)


def acos(input: Any) -> Any:
    """Element-wise arccosine."""
    return Acos.apply(input)


def sinh(input: Any) -> Any:
    """Element-wise hyperbolic sine."""
    return Sinh.apply(input)


def cosh(input: Any) -> Any:
    """Element-wise hyperbolic cosine."""
    return Cosh.apply(input)


def floor(input: Any) -> Any:
    """Element-wise largest integer <= x (gradient 0)."""
    return Rounding.apply(input, "floor", 0)


def ceil(input: Any) -> Any:
    """Element-wise smallest integer >= x (gradient 0)."""
    return Rounding.apply(input, "ceil", 0)


def trunc(input: Any) -> Any:
    """Element-wise x rounded toward zero (gradient 0)."""
    return Rounding.apply(input, "trunc", 0)


def round(input: Any, *, decimals: int = 0) -> Any:  # noqa: A001 - PyTorch's name
    """Element-wise x rounded to ``decimals`` places, halves to even (gradient 0)."""
    return Rounding.apply(input, "round", int(decimals))


def log1p(input: Any) -> Any:
    """Element-wise ln(1 + x), accurate for small x."""
    return Log1p.apply(input)


def expm1(input: Any) -> Any:
    """Element-wise e^x - 1, accurate for small x."""
    return Expm1.apply(input)


def atan(input: Any) -> Any:
    """Element-wise arctangent."""
    return ArcTan.apply(input)


def erf(input: Any) -> Any:
    """Element-wise Gauss error function."""
    return Erf.apply(input)


class Exp2(Op):
    """y = 2^x;  dy/dx = y ln 2 (integers are computed in the default float dtype)."""

    @staticmethod
    def forward(ctx, x):
        x = _as_float(x)
        y = get_array_module(x).exp2(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y * _LN2


def exp2(input: Any) -> Any:
    """Element-wise 2^x."""
    return Exp2.apply(input)
