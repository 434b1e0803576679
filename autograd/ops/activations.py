"""Activation functions of the course's table: f(x) and df/dx side by side.

A neuron computes a = b + sum_i y_i w_i and outputs y = f(a); these are the
f's. Sigmoid, tanh, ReLU and sin are core ops (``autograd.ops.unary``); the
ones here need care for stability (softplus, ELU, GELU) or are the course's
own (binary step, arctan, bent identity, soft exponential, sinc, Gaussian).

Backward rules are polymorphic (see ``autograd.function``): they use only
operators and ``xp`` functions, plus the small helpers below for the
functions that numpy has and the Tensor namespace lacks (log1p, expm1,
arctan, erf), so ``create_graph=True`` gives correct higher derivatives.
"""

from __future__ import annotations

import math
from typing import Any

from ..backend import erf as backend_erf
from ..backend import get_array_module
from ..function import Op

_SQRT2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_TANH_K = math.sqrt(2.0 / math.pi)  # GELU's tanh approximation: k (x + 0.044715 x^3)
_TANH_C = 0.044715


# --- helpers that work on arrays and on Tensors alike ------------------------------------

def _is_tensor(x: Any) -> bool:
    return hasattr(x, "grad_fn")


def _erf_array(x: Any) -> Any:
    """erf on a numpy or CuPy array (numpy itself has none; the backend knows where to look)."""
    return backend_erf(x)


def erf(x: Any) -> Any:
    """erf(x) = 2/sqrt(pi) int_0^x e^{-t^2} dt, on arrays or (differentiably) on Tensors."""
    return Erf.apply(x) if _is_tensor(x) else _erf_array(x)


def log1p(x: Any) -> Any:
    """ln(1 + x), accurate for small x."""
    return Log1p.apply(x) if _is_tensor(x) else get_array_module(x).log1p(x)


def expm1(x: Any) -> Any:
    """e^x - 1, accurate for small x."""
    return Expm1.apply(x) if _is_tensor(x) else get_array_module(x).expm1(x)


def arctan(x: Any) -> Any:
    return ArcTan.apply(x) if _is_tensor(x) else get_array_module(x).arctan(x)


def stable_sigmoid(z: Any) -> Any:
    """1 / (1 + e^-z) without overflow: e = e^{-|z|} is never above 1."""
    xp = get_array_module(z)
    e = xp.exp(-xp.abs(z))
    return xp.where(z >= 0, 1.0, e) / (1 + e)


def stable_softplus(z: Any) -> Any:
    """ln(1 + e^z) = max(z, 0) + ln(1 + e^{-|z|}), finite for every finite z."""
    xp = get_array_module(z)
    return xp.where(z > 0, z, 0.0) + log1p(xp.exp(-xp.abs(z)))


# --- elementary functions the Tensor namespace lacks ---------------------------------------

class Erf(Op):
    """y = erf(x);  dy/dx = 2/sqrt(pi) e^{-x^2}."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _erf_array(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        xp = get_array_module(grad)
        return grad * (2.0 / math.sqrt(math.pi)) * xp.exp(-x * x)


class Log1p(Op):
    """y = ln(1 + x);  dy/dx = 1 / (1 + x)."""
    backward_name = "Log1PBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return get_array_module(x).log1p(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 + x)


class Expm1(Op):
    """y = e^x - 1;  dy/dx = e^x = y + 1."""

    @staticmethod
    def forward(ctx, x):
        y = get_array_module(x).expm1(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (y + 1)


class ArcTan(Op):
    """ArcTan: f(x) = tan^{-1}(x), in (-pi/2, pi/2);  f'(x) = 1 / (x^2 + 1)."""
    backward_name = "AtanBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return get_array_module(x).arctan(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * x + 1)


# --- the activation table ------------------------------------------------------------------

class BinaryStep(Op):
    """Binary step: f(x) = 0 for x < 0, 1 for x >= 0;  f'(x) = 0 (the table's '?' at 0 too)."""

    @staticmethod
    def forward(ctx, x):
        return (x >= 0).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


class Softplus(Op):
    """SoftPlus: f(x) = (1/beta) ln(1 + e^{beta x});  f'(x) = 1 / (1 + e^{-beta x}).

    As PyTorch: where beta x > threshold, f(x) = x and f'(x) = 1 (the two
    agree there to float precision). Stable for x = +-1000.
    """
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, beta, threshold):
        xp = get_array_module(x)
        z = x * beta if beta != 1 else x
        ctx.beta, ctx.threshold = beta, threshold
        ctx.save_for_backward(x)
        soft = stable_softplus(z)
        if beta != 1:
            soft = soft / beta
        return xp.where(z > threshold, x, soft).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        xp = get_array_module(grad)
        z = x * ctx.beta if ctx.beta != 1 else x
        return grad * xp.where(z > ctx.threshold, 1.0, stable_sigmoid(z)), None, None


class LeakyReLU(Op):
    """f(x) = x for x > 0, else negative_slope x;  f'(x) = 1 for x > 0, else negative_slope."""
    backward_name = "LeakyReluBackward0"
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, negative_slope):
        xp = get_array_module(x)
        ctx.slope = negative_slope
        ctx.save_for_backward(x)
        return xp.where(x > 0, x, x * negative_slope)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        xp = get_array_module(grad)
        return xp.where(x > 0, grad, grad * ctx.slope), None


class ELU(Op):
    """f(x) = x for x > 0, alpha (e^x - 1) otherwise;  f'(x) = 1 for x > 0, else alpha e^x."""
    backward_name = "EluBackward0"
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, alpha):
        xp = get_array_module(x)
        ctx.alpha = alpha
        ctx.save_for_backward(x)
        negative = xp.where(x > 0, 0.0, x)  # e^x only where x <= 0: no overflow for large x
        return xp.where(x > 0, x, alpha * xp.expm1(negative)).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        xp = get_array_module(grad)
        negative = xp.where(x > 0, 0.0, x)
        return xp.where(x > 0, grad, grad * ctx.alpha * xp.exp(negative)), None


class GELU(Op):
    """f(x) = x Phi(x), Phi the standard normal CDF;  f'(x) = Phi(x) + x phi(x).

    ``approximate='tanh'``: f(x) = x/2 (1 + tanh(k (x + 0.044715 x^3))), k = sqrt(2/pi),
    f'(x) = (1 + t)/2 + x/2 (1 - t^2) k (1 + 3 * 0.044715 x^2), with t that tanh.
    """
    backward_name = "GeluBackward0"
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, approximate):
        xp = get_array_module(x)
        ctx.approximate = approximate
        ctx.save_for_backward(x)
        if approximate == "tanh":
            t = xp.tanh(_TANH_K * (x + _TANH_C * x * x * x))
            return 0.5 * x * (1 + t)
        return 0.5 * x * (1 + _erf_array(x / _SQRT2))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        xp = get_array_module(grad)
        if ctx.approximate == "tanh":
            t = xp.tanh(_TANH_K * (x + _TANH_C * x * x * x))
            slope = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _TANH_K * (1 + 3 * _TANH_C * x * x)
            return grad * slope, None
        cdf = 0.5 * (1 + erf(x / _SQRT2))
        pdf = _INV_SQRT_2PI * xp.exp(-0.5 * x * x)
        return grad * (cdf + x * pdf), None


class BentIdentity(Op):
    """Bent identity: f(x) = (sqrt(x^2 + 1) - 1)/2 + x;  f'(x) = x / (2 sqrt(x^2 + 1)) + 1."""

    @staticmethod
    def forward(ctx, x):
        xp = get_array_module(x)
        ctx.save_for_backward(x)
        return (xp.sqrt(x * x + 1) - 1) / 2 + x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        xp = get_array_module(grad)
        return grad * (x / (2 * xp.sqrt(x * x + 1)) + 1)


class Gaussian(Op):
    """Gaussian: f(x) = e^{-x^2};  f'(x) = -2x e^{-x^2} = -2x f(x)."""

    @staticmethod
    def forward(ctx, x):
        xp = get_array_module(x)
        ctx.save_for_backward(x)
        return xp.exp(-x * x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        xp = get_array_module(grad)
        return grad * (-2 * x) * xp.exp(-x * x)


_SINC_SERIES_BELOW = 0.1  # |x| under which the Taylor series beats the cancelling quotient


def _sinc_value(xp: Any, x: Any) -> Any:
    small = xp.abs(x) < _SINC_SERIES_BELOW
    safe = xp.where(small, 1.0, x)  # no 0/0 even in the branch that where() throws away
    x2 = x * x
    series = 1 - x2 / 6 * (1 - x2 / 20 * (1 - x2 / 42 * (1 - x2 / 72)))
    return xp.where(small, series, xp.sin(safe) / safe)


def _sinc_slope(xp: Any, x: Any) -> Any:
    small = xp.abs(x) < _SINC_SERIES_BELOW
    safe = xp.where(small, 1.0, x)
    x2 = x * x
    # d/dx sin(x)/x = sum_k (-1)^k 2k x^{2k-1} / (2k+1)!  = -x/3 + x^3/30 - x^5/840 + x^7/45360 ...
    series = x * (-1 / 3 + x2 * (1 / 30 - x2 * (1 / 840 - x2 * (1 / 45360 - x2 / 3991680))))
    return xp.where(small, series, (xp.cos(safe) - xp.sin(safe) / safe) / safe)


class Sinc(Op):
    """Sinc: f(x) = sin(x)/x, f(0) = 1;  f'(x) = cos(x)/x - sin(x)/x^2, f'(0) = 0.

    The course's unnormalised sinc (``torch.sinc`` is sin(pi x)/(pi x)). Near 0
    both are taken from their Taylor series, so value and gradient are smooth
    and exact to round-off there instead of cancelling to noise.
    """

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _sinc_value(get_array_module(x), x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * _sinc_slope(get_array_module(grad), x)


_SOFTEXP_SERIES_BELOW = 1e-6  # |alpha| under which df/dalpha comes from its expansion at 0


class SoftExponential(Op):
    """SoftExponential, with alpha a number or a one-element (learnable) tensor.

    f(alpha, x) = -ln(1 - alpha (x + alpha)) / alpha   for alpha < 0
                = x                                    for alpha = 0
                = (e^{alpha x} - 1) / alpha + alpha    for alpha > 0
    df/dx = 1 / (1 - alpha (x + alpha)) for alpha < 0, e^{alpha x} for alpha >= 0.
    df/dalpha = ln(u)/alpha^2 + (x + 2 alpha)/(alpha u), u = 1 - alpha(x + alpha), for alpha < 0;
                x^2/2 + 1 at alpha = 0 (both sides agree);
                x e^{alpha x}/alpha - (e^{alpha x} - 1)/alpha^2 + 1 for alpha > 0.
    """

    @staticmethod
    def forward(ctx, x, alpha):
        xp = get_array_module(x)
        a = float(alpha.reshape(()).item()) if hasattr(alpha, "reshape") else float(alpha)
        ctx.sign = (a > 0) - (a < 0)
        ctx.small = abs(a) < _SOFTEXP_SERIES_BELOW
        ctx.save_for_backward(x, alpha)
        if a > 0:
            out = xp.expm1(alpha * x) / alpha + alpha
        elif a < 0:
            out = -xp.log1p(-alpha * (x + alpha)) / alpha
        else:
            out = x + 0 * alpha  # f = x, in the dtype and shape x and alpha promote to
        return out

    @staticmethod
    def backward(ctx, grad):
        x, alpha = ctx.saved_tensors
        xp = get_array_module(grad)
        need_x, need_alpha = ctx.needs_input_grad
        grad_x = grad_alpha = None
        if ctx.sign < 0:
            u = 1 - alpha * (x + alpha)
            if need_x:
                grad_x = grad / u
            if need_alpha:
                if ctx.small:  # expansion at 0: x^2/2 + 1 + 2 alpha (x + x^3/3)
                    slope = x * x / 2 + 1 + 2 * alpha * (x + x * x * x / 3)
                else:
                    slope = xp.log(u) / (alpha * alpha) + (x + 2 * alpha) / (alpha * u)
                grad_alpha = grad * slope
        elif ctx.sign > 0:
            e = xp.exp(alpha * x)
            if need_x:
                grad_x = grad * e
            if need_alpha:
                if ctx.small:  # expansion at 0: x^2/2 + 1 + alpha x^3/3
                    slope = x * x / 2 + 1 + alpha * x * x * x / 3
                else:
                    slope = x * e / alpha - expm1(alpha * x) / (alpha * alpha) + 1
                grad_alpha = grad * slope
        else:
            if need_x:
                grad_x = grad * (x * 0 + 1)
            if need_alpha:
                grad_alpha = grad * (x * x / 2 + 1)
        return grad_x, grad_alpha


# --- functional forms ----------------------------------------------------------------------

def binary_step(input: Any) -> Any:
    return BinaryStep.apply(input)


def softplus(input: Any, beta: float = 1.0, threshold: float = 20.0) -> Any:
    return Softplus.apply(input, beta, threshold)


def leaky_relu(input: Any, negative_slope: float = 0.01) -> Any:
    return LeakyReLU.apply(input, negative_slope)


def elu(input: Any, alpha: float = 1.0) -> Any:
    return ELU.apply(input, alpha)


def gelu(input: Any, approximate: str = "none") -> Any:
    if approximate not in ("none", "tanh"):
        raise ValueError(f"approximate argument must be either none or tanh, got {approximate!r}")
    return GELU.apply(input, approximate)


def bent_identity(input: Any) -> Any:
    return BentIdentity.apply(input)


def gaussian(input: Any) -> Any:
    return Gaussian.apply(input)


def sinc(input: Any) -> Any:
    return Sinc.apply(input)


def soft_exponential(input: Any, alpha: Any) -> Any:
    if hasattr(alpha, "numel") and alpha.numel() != 1:
        raise ValueError(
            f"soft_exponential: alpha must be a number or a one-element tensor, got shape "
            f"{tuple(alpha.shape)}"
        )
    return SoftExponential.apply(input, alpha)


# --- more of PyTorch's activations -----------------------------------------------------------

# SELU's constants, from Klambauer et al. (2017), as PyTorch has them
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


class PReLU(Op):
    """f(x) = x for x > 0, w x otherwise, w learned;  df/dx = 1 or w, df/dw = 0 or x.

    ``w`` arrives shaped to broadcast against x (one slope per channel, dim 1); the engine
    sums dL/dw back to that shape.
    """
    backward_name = "PreluKernelBackward0"

    @staticmethod
    def forward(ctx, x, w):
        xp = get_array_module(x)
        ctx.save_for_backward(x, w)
        return xp.where(x > 0, x, w * x)

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        xp = get_array_module(grad)
        need_x, need_w = ctx.needs_input_grad
        positive = x > 0
        grad_x = xp.where(positive, grad, grad * w) if need_x else None
        grad_w = xp.where(positive, 0.0, grad * x) if need_w else None
        return grad_x, grad_w


class SELU(Op):
    """f(x) = scale x for x > 0, scale alpha (e^x - 1) otherwise;
    f'(x) = scale or scale alpha e^x (alpha and scale: SELU_ALPHA, SELU_SCALE)."""
    backward_name = "EluBackward0"

    @staticmethod
    def forward(ctx, x):
        xp = get_array_module(x)
        ctx.save_for_backward(x)
        negative = xp.where(x > 0, 0.0, x)  # e^x only where x <= 0: no overflow for large x
        out = xp.where(x > 0, x, SELU_ALPHA * xp.expm1(negative)) * SELU_SCALE
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        xp = get_array_module(grad)
        negative = xp.where(x > 0, 0.0, x)
        slope = xp.where(x > 0, SELU_SCALE, (SELU_SCALE * SELU_ALPHA) * xp.exp(negative))
        return grad * slope


class Mish(Op):
    """f(x) = x tanh(softplus(x));  f'(x) = t + x (1 - t^2) sigmoid(x), t = tanh(softplus(x))."""

    @staticmethod
    def forward(ctx, x):
        xp = get_array_module(x)
        ctx.save_for_backward(x)
        return (x * xp.tanh(stable_softplus(x))).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        xp = get_array_module(grad)
        t = xp.tanh(stable_softplus(x))
        return grad * (t + x * (1 - t * t) * stable_sigmoid(x))


class Hardtanh(Op):
    """f(x) = min(max(x, lo), hi);  f'(x) = 1 for lo < x < hi, else 0 (0 at both bounds,
    as PyTorch's hardtanh and relu6, unlike clamp's 1)."""
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.lo, ctx.hi = lo, hi
        ctx.save_for_backward(x)
        return get_array_module(x).clip(x, lo, hi).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        xp = get_array_module(grad)
        return xp.where((x > ctx.lo) & (x < ctx.hi), grad, 0.0), None, None


def prelu(input: Any, weight: Any) -> Any:
    """PReLU with one slope (weight of one element) or one per channel (dim 1 of input)."""
    n = weight.numel()
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: weight must be a scalar or 1-D, got shape "
                           f"{tuple(weight.shape)}")
    if n != 1:
        channels = input.shape[1] if input.ndim >= 2 else 1  # no channel dim below 2-D
        if n != channels:
            raise RuntimeError(
                f"Mismatch of parameter numbers and input channel size. Found parameter "
                f"numbers = {n} and channel size = {channels}."
            )
        if input.ndim >= 2:  # one slope per channel: shape (C, 1, ..., 1) against (N, C, ...)
            weight = weight.reshape((n,) + (1,) * (input.ndim - 2))
    elif weight.ndim:
        weight = weight.reshape(())
    return PReLU.apply(input, weight)


def selu(input: Any) -> Any:
    return SELU.apply(input)


def mish(input: Any) -> Any:
    return Mish.apply(input)


def hardtanh(input: Any, min_val: float = -1.0, max_val: float = 1.0) -> Any:
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return Hardtanh.apply(input, min_val, max_val)
