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
    """y = e^x, each element; its derivative is e^x (y itself).

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([0.0, 2.0])
        >>> ag.exp(x)
        tensor([1.0000, 7.3891])
        >>> x.exp()
        tensor([1.0000, 7.3891])
    """
    return Exp.apply(input)


def log(input: Any) -> Any:
    """y = ln x, the natural logarithm, each element; its derivative is 1 / x.

    x = 0 gives -inf and x < 0 gives nan (no error): clamp or add a small epsilon first
    where that can happen, as in a loss ln(p).

    Examples:
        >>> import autograd as ag
        >>> ag.log(ag.tensor([1.0, 2.7183, 10.0]))
        tensor([0.0000, 1.0000, 2.3026])
    """
    return Log.apply(input)


def sqrt(input: Any) -> Any:
    """y = sqrt(x), each element; its derivative is 1 / (2 sqrt(x)) (inf at 0, nan for x < 0).

    Examples:
        >>> import autograd as ag
        >>> ag.sqrt(ag.tensor([4.0, 2.0, 0.0]))
        tensor([2.0000, 1.4142, 0.0000])
    """
    return Sqrt.apply(input)


def abs(input: Any) -> Any:  # noqa: A001 - PyTorch's name
    """y = |x|, each element; its derivative is sign(x) (0 at x = 0).

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([-1.5, 0.0, 2.0]).abs()
        tensor([1.5000, 0.0000, 2.0000])
    """
    return Abs.apply(input)


def sin(input: Any) -> Any:
    """y = sin x (x in radians), each element; its derivative is cos x.

    Examples:
        >>> import autograd as ag
        >>> ag.sin(ag.tensor([0.0, 1.5708]))
        tensor([0., 1.])
    """
    return Sin.apply(input)


def cos(input: Any) -> Any:
    """y = cos x (x in radians), each element; its derivative is -sin x.

    Examples:
        >>> import autograd as ag
        >>> ag.cos(ag.tensor([0.0, 3.1416]))
        tensor([ 1., -1.])
    """
    return Cos.apply(input)


def tanh(input: Any) -> Any:
    """y = tanh x = (e^x - e^-x) / (e^x + e^-x), each element; its derivative is 1 - y^2.

    Values lie in (-1, 1); large |x| saturates, where the gradient vanishes.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([-2.0, 0.0, 0.5], requires_grad=True)
        >>> y = ag.tanh(x)
        >>> y
        tensor([-0.9640,  0.0000,  0.4621], grad_fn=<TanhBackward0>)
        >>> y.sum().backward()
        >>> x.grad
        tensor([0.0707, 1.0000, 0.7864])
    """
    return Tanh.apply(input)


def sigmoid(input: Any) -> Any:
    """y = 1 / (1 + e^-x), each element; its derivative is y (1 - y).

    The logistic function: values lie in (0, 1), so it turns a score into a probability.
    Computed without overflow for large |x|.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([-2.0, 0.0, 3.0], requires_grad=True)
        >>> y = ag.sigmoid(x)
        >>> y
        tensor([0.1192, 0.5000, 0.9526], grad_fn=<SigmoidBackward0>)
        >>> y.sum().backward()
        >>> x.grad
        tensor([0.1050, 0.2500, 0.0452])
    """
    return Sigmoid.apply(input)


def relu(input: Any) -> Any:
    """y = max(x, 0), each element; its derivative is 1 where x > 0, else 0.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([-1.0, 0.0, 2.0], requires_grad=True)
        >>> y = ag.relu(x)
        >>> y
        tensor([0., 0., 2.], grad_fn=<ReluBackward0>)
        >>> y.sum().backward()
        >>> x.grad
        tensor([0., 0., 1.])
    """
    return Relu.apply(input)


def sign(input: Any) -> Any:
    """y = sign(x) in {-1, 0, 1}, each element; its gradient is 0.

    Examples:
        >>> import autograd as ag
        >>> ag.sign(ag.tensor([-3.0, 0.0, 0.5]))
        tensor([-1.,  0.,  1.])
    """
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
    """y = log2 x, each element; its derivative is 1 / (x ln 2).

    Examples:
        >>> import autograd as ag
        >>> ag.log2(ag.tensor([1.0, 8.0]))
        tensor([0., 3.])
    """
    return Log2.apply(input)


def log10(input: Any) -> Any:
    """y = log10 x, each element; its derivative is 1 / (x ln 10).

    Examples:
        >>> import autograd as ag
        >>> ag.log10(ag.tensor([1.0, 1000.0]))
        tensor([0.0000, 3.0000])
    """
    return Log10.apply(input)


def reciprocal(input: Any) -> Any:
    """y = 1 / x, each element; its derivative is -1 / x^2.

    Examples:
        >>> import autograd as ag
        >>> ag.reciprocal(ag.tensor([2.0, -4.0]))
        tensor([ 0.5000, -0.2500])
    """
    return Reciprocal.apply(input)


def rsqrt(input: Any) -> Any:
    """y = 1 / sqrt(x), each element; its derivative is -y^3 / 2.

    Examples:
        >>> import autograd as ag
        >>> ag.rsqrt(ag.tensor([4.0, 0.25]))
        tensor([0.5000, 2.0000])
    """
    return Rsqrt.apply(input)


def asin(input: Any) -> Any:
    """y = arcsin x for x in [-1, 1], each element; its derivative is 1 / sqrt(1 - x^2).

    Examples:
        >>> import autograd as ag
        >>> ag.asin(ag.tensor([0.0, 1.0]))
        tensor([0.0000, 1.5708])
    """
    return Asin.apply(input)


def acos(input: Any) -> Any:
    """y = arccos x for x in [-1, 1], each element; its derivative is -1 / sqrt(1 - x^2).

    Examples:
        >>> import autograd as ag
        >>> ag.acos(ag.tensor([0.0, 1.0]))
        tensor([1.5708, 0.0000])
    """
    return Acos.apply(input)


def sinh(input: Any) -> Any:
    """y = sinh x = (e^x - e^-x) / 2, each element; its derivative is cosh x.

    Examples:
        >>> import autograd as ag
        >>> ag.sinh(ag.tensor([0.0, 1.0]))
        tensor([0.0000, 1.1752])
    """
    return Sinh.apply(input)


def cosh(input: Any) -> Any:
    """y = cosh x = (e^x + e^-x) / 2, each element; its derivative is sinh x.

    Examples:
        >>> import autograd as ag
        >>> ag.cosh(ag.tensor([0.0, 1.0]))
        tensor([1.0000, 1.5431])
    """
    return Cosh.apply(input)


def floor(input: Any) -> Any:
    """y = the largest integer <= x, each element (same dtype); gradient 0.

    Examples:
        >>> import autograd as ag
        >>> ag.floor(ag.tensor([-1.5, 1.5]))
        tensor([-2.,  1.])
    """
    return Rounding.apply(input, "floor", 0)


def ceil(input: Any) -> Any:
    """y = the smallest integer >= x, each element (same dtype); gradient 0.

    Examples:
        >>> import autograd as ag
        >>> ag.ceil(ag.tensor([-1.5, 1.5]))
        tensor([-1.,  2.])
    """
    return Rounding.apply(input, "ceil", 0)


def trunc(input: Any) -> Any:
    """y = x rounded toward zero, each element (same dtype); gradient 0.

    Examples:
        >>> import autograd as ag
        >>> ag.trunc(ag.tensor([-1.5, 1.5]))
        tensor([-1.,  1.])
    """
    return Rounding.apply(input, "trunc", 0)


def round(input: Any, *, decimals: int = 0) -> Any:  # noqa: A001 - PyTorch's name
    """y = x rounded to ``decimals`` places, halves to even, each element; gradient 0.

    Examples:
        >>> import autograd as ag
        >>> ag.round(ag.tensor([0.5, 1.5, 2.567]))
        tensor([0., 2., 3.])
        >>> ag.round(ag.tensor([2.567]), decimals=2)
        tensor([2.5700])
    """
    return Rounding.apply(input, "round", int(decimals))


def log1p(input: Any) -> Any:
    """y = ln(1 + x), each element, exact for tiny x; its derivative is 1 / (1 + x).

    Examples:
        >>> import autograd as ag
        >>> ag.log1p(ag.tensor([0.0, 1e-8], dtype=ag.float64)).tolist()
        [0.0, 9.999999950000001e-09]
    """
    return Log1p.apply(input)


def expm1(input: Any) -> Any:
    """y = e^x - 1, each element, exact for tiny x; its derivative is e^x.

    Examples:
        >>> import autograd as ag
        >>> ag.expm1(ag.tensor([0.0, 1e-8], dtype=ag.float64)).tolist()
        [0.0, 1.0000000050000001e-08]
    """
    return Expm1.apply(input)


def atan(input: Any) -> Any:
    """y = arctan x, each element; its derivative is 1 / (1 + x^2).

    Examples:
        >>> import autograd as ag
        >>> ag.atan(ag.tensor([0.0, 1.0]))
        tensor([0.0000, 0.7854])
    """
    return ArcTan.apply(input)


def erf(input: Any) -> Any:
    """y = erf x = 2 / sqrt(pi) * integral_0^x e^(-t^2) dt; its derivative is 2 / sqrt(pi) e^(-x^2).

    Examples:
        >>> import autograd as ag
        >>> ag.erf(ag.tensor([0.0, 1.0]))
        tensor([0.0000, 0.8427])
    """
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
    """y = 2^x, each element; its derivative is 2^x ln 2.

    Examples:
        >>> import autograd as ag
        >>> ag.exp2(ag.tensor([0.0, 3.0]))
        tensor([1., 8.])
    """
    return Exp2.apply(input)
