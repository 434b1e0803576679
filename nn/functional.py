"""``nn.functional``: activations and losses as functions, as ``torch.nn.functional``.

    import nn.functional as F
    y = F.relu(F.linear(x, w, b))
    loss = F.cross_entropy(logits, labels)

The activation table of the course (a = b + sum_i y_i w_i, y = f(a)) is here
in full: identity is just ``x``; binary_step, sigmoid, tanh, arctan, relu,
softplus, bent_identity, soft_exponential, sinusoid, sinc, gaussian; plus
softmax, log_softmax, leaky_relu, elu, gelu, silu. The maths of each is in
``autograd.ops.activations`` / ``autograd.ops.losses``, forward and backward
side by side.
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import Any

import numpy as np

import autograd as ag
from autograd import backend
from autograd.ops import activations as _act
from autograd.ops import inplace as _inplace
from autograd.ops import losses as _loss
from autograd.ops.linalg import Linear as _Linear
from autograd.ops.shape import check_in_range

Tensor = ag.Tensor
_ndarray = np.ndarray
_INT64 = np.dtype(np.int64)

__all__ = [
    "linear", "identity", "relu", "relu_", "sigmoid", "tanh", "softmax", "log_softmax",
    "softplus", "leaky_relu", "leaky_relu_", "elu", "elu_", "gelu", "silu", "binary_step",
    "arctan", "bent_identity", "soft_exponential", "sinusoid", "sinc", "gaussian", "dropout",
    "one_hot", "mse_loss", "l1_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "cross_entropy", "nll_loss",
]


# --- layers ----------------------------------------------------------------------------------

def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x W^T + b, W of shape (out_features, in_features): a = b + sum_i y_i w_i per neuron."""
    return _Linear.apply(input, weight, bias)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Inverted dropout: each element is zeroed with probability p, survivors scaled by 1/(1-p).

    The identity when ``training`` is False (so ``model.eval()`` needs no rescaling).
    The mask comes from ``ag.rand``, so ``ag.manual_seed`` makes it repeatable.
    ``inplace=True`` writes the result into ``input`` and returns it.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        scale: Any = 0.0
    else:
        keep = 1.0 - p
        uniform = ag.rand(input.shape, dtype=input.dtype, device=input.device)
        mask = (uniform.data < keep) * (1.0 / keep)
        scale = ag.as_tensor(mask.astype(input.data.dtype, copy=False))
    return _inplace.apply_(input, Tensor.__mul__, scale) if inplace else input * scale


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices (any shape) -> 0/1 int64 vectors of length num_classes on a new last axis."""
    data = tensor.data
    if data.dtype.kind not in "iu":
        raise RuntimeError(f"one_hot is only applicable to index tensors, got dtype {tensor.dtype}")
    xp = backend.get_array_module(data)
    if num_classes == -1:  # the one case that must read the data (on a GPU: wait for it)
        num_classes = int(data.max()) + 1 if data.size else 0
    if data.size:
        check_in_range(data, 0, num_classes, lambda v: RuntimeError(
            f"one_hot: class values must lie in [0, {num_classes - 1}], got {v}"))
    return ag.as_tensor((data[..., None] == xp.arange(num_classes)).astype(xp.int64))


# --- activations ------------------------------------------------------------------------------

def identity(input: Tensor) -> Tensor:
    """Identity: f(x) = x;  f'(x) = 1."""
    return input


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """Rectified linear: f(x) = max(0, x);  f'(x) = 1 for x > 0, else 0.

    ``inplace=True`` writes the result into ``input`` and returns it (``relu_``).
    """
    return input.relu_() if inplace else input.relu()


def relu_(input: Tensor) -> Tensor:
    """``relu`` in place: the result is written into ``input``, which is returned."""
    return input.relu_()


def sigmoid(input: Tensor) -> Tensor:
    """Logistic: f(x) = 1 / (1 + e^{-x}), in (0, 1);  f'(x) = f(x)(1 - f(x)). Stable for +-1000."""
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    """TanH: f(x) = 2 / (1 + e^{-2x}) - 1, in (-1, 1);  f'(x) = 1 - f(x)^2."""
    return input.tanh()


def arctan(input: Tensor) -> Tensor:
    """ArcTan: f(x) = tan^{-1}(x);  f'(x) = 1 / (x^2 + 1)."""
    return _act.ArcTan.apply(input)


def binary_step(input: Tensor) -> Tensor:
    """Binary step: f(x) = 0 for x < 0, 1 for x >= 0;  f'(x) = 0."""
    return _act.binary_step(input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """SoftPlus: f(x) = (1/beta) ln(1 + e^{beta x});  f'(x) = 1 / (1 + e^{-beta x}).

    Linear (f(x) = x) where beta x > threshold, as PyTorch. Stable for +-1000.
    """
    return _act.softplus(input, beta, threshold)


def bent_identity(input: Tensor) -> Tensor:
    """Bent identity: f(x) = (sqrt(x^2 + 1) - 1)/2 + x;  f'(x) = x / (2 sqrt(x^2 + 1)) + 1."""
    return _act.bent_identity(input)


def soft_exponential(input: Tensor, alpha: Any) -> Tensor:
    """SoftExponential f(alpha, x) (``nn.SoftExponential``); alpha a number or 1-element tensor."""
    return _act.soft_exponential(input, alpha)


def sinusoid(input: Tensor) -> Tensor:
    """Sinusoid: f(x) = sin(x);  f'(x) = cos(x)."""
    return input.sin()


def sinc(input: Tensor) -> Tensor:
    """Sinc (unnormalised, as the course): f(x) = sin(x)/x, f(0) = 1;
    f'(x) = cos(x)/x - sin(x)/x^2, f'(0) = 0."""
    return _act.sinc(input)


def gaussian(input: Tensor) -> Tensor:
    """Gaussian: f(x) = e^{-x^2};  f'(x) = -2x e^{-x^2}."""
    return _act.gaussian(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """f(x) = x for x > 0, negative_slope x otherwise;  f'(x) = 1 or negative_slope."""
    if inplace:
        return _inplace.apply_(input, _act.leaky_relu, negative_slope)
    return _act.leaky_relu(input, negative_slope)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """``leaky_relu`` in place: the result is written into ``input``, which is returned."""
    return leaky_relu(input, negative_slope, inplace=True)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """f(x) = x for x > 0, alpha (e^x - 1) otherwise;  f'(x) = 1 or alpha e^x."""
    return _inplace.apply_(input, _act.elu, alpha) if inplace else _act.elu(input, alpha)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``elu`` in place: the result is written into ``input``, which is returned."""
    return elu(input, alpha, inplace=True)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """f(x) = x Phi(x), Phi the normal CDF (approximate='tanh': the tanh formula);
    f'(x) = Phi(x) + x phi(x)."""
    return _act.gelu(input, approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """SiLU (swish): f(x) = x sigmoid(x);  f'(x) = sigmoid(x) (1 + x (1 - sigmoid(x)))."""
    return _inplace.apply_(input, _silu) if inplace else _silu(input)


def _silu(input: Tensor) -> Tensor:
    return input * input.sigmoid()


def _softmax_dim(name: str, ndim: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
        "dim=X as an argument.", UserWarning, stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:
    """softmax(z)_j = e^{z_j} / sum_k e^{z_k} along ``dim``: each in (0, 1), summing to 1."""
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim)
    if dtype is not None:
        input = input.to(dtype)
    return ag.softmax(input, dim)


def log_softmax(input: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:
    """log softmax(z)_j = z_j - ln sum_k e^{z_k} along ``dim``, computed stably."""
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim)
    if dtype is not None:
        input = input.to(dtype)
    return ag.log_softmax(input, dim)


# --- losses -----------------------------------------------------------------------------------

def _outside_nn_stacklevel() -> int:
    """warnings.warn's stacklevel, for its caller, of the first frame outside this package:
    the user's line, however many of our constructors and functions lie between."""
    frame, level = sys._getframe(2), 2
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    return level


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _legacy_reduction(size_average: Any, reduce: Any, reduction: str) -> str:
    if size_average is None and reduce is None:
        return reduction
    warnings.warn("size_average and reduce args will be deprecated, please use reduction= instead",
                  UserWarning, stacklevel=_outside_nn_stacklevel())
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    return "none" if not reduce else ("mean" if size_average else "sum")


def _reduction(size_average: Any, reduce: Any, reduction: str) -> str:
    """The checked reduction of a loss call; the legacy arguments mapped to one (with a warning)."""
    if size_average is None and reduce is None and reduction in _loss.REDUCTIONS:
        return reduction  # the usual call, in one test
    return _loss.check_reduction(_legacy_reduction(size_average, reduce, reduction))


def _loss_operands(name: str, input: Tensor, target: Any, integer_target: bool = False,
                   mixed_floats: bool = True) -> tuple[Tensor, Tensor]:
    """_float_operands, then _same_shape; the usual case (one float dtype, one shape) first,
    since a small network's step feels every call a loss makes."""
    if isinstance(target, Tensor) and isinstance(input, Tensor):
        x, y = input.data, target.data
        dtype = x.dtype
        if dtype is y.dtype and dtype.kind == "f" and x.shape == y.shape:
            return input, target
    input, target = _float_operands(name, input, target, integer_target, mixed_floats)
    _same_shape(name, input, target)
    return input, target


def _same_shape(name: str, input: Tensor, target: Tensor) -> None:
    """A deliberate difference: PyTorch only warns when target and input differ in shape and
    then broadcasts them ((N, 1) against (N,) compares every pair); we refuse."""
    if input.data.shape != target.data.shape:  # tuples, on numpy and CuPy
        raise ValueError(
            f"{name}: target size {tuple(target.shape)} is different to the input size "
            f"{tuple(input.shape)}; the loss would broadcast them and compare the wrong pairs. "
            "Reshape one of them (e.g. target.reshape(input.shape) or input.squeeze(-1))"
        )


def _float_operands(name: str, input: Tensor, target: Any, integer_target: bool = False,
                    mixed_floats: bool = True) -> tuple[Tensor, Tensor]:
    """input and target in one floating dtype, by PyTorch's rules for each loss.

    Two float dtypes meet at the wider one (float32 outputs against a float64 target give a
    float64 loss, as in PyTorch; the input's gradient comes back in its own dtype); an
    integer target takes the input's dtype where PyTorch allows it (``integer_target``).
    """
    if not isinstance(target, Tensor):
        raise TypeError(f"{name}: target must be a Tensor, got {type(target).__name__}")
    if not input.is_floating_point():
        raise TypeError(f"{name}: input must be a floating point tensor, got {input.dtype}")
    if target.data.dtype == input.data.dtype:  # numpy dtypes: cheaper than comparing DTypes
        return input, target
    if not target.is_floating_point():
        if not integer_target:
            raise RuntimeError(
                f"{name}: target must be a floating point tensor, got {target.dtype}; "
                "convert it with target.float()"
            )
        return input, target.to(input.dtype)
    if not mixed_floats:
        raise RuntimeError(
            f"{name}: found target dtype {target.dtype} but expected {input.dtype} (the "
            f"input's); convert it with target.to(input.dtype)"
        )
    if target.element_size() > input.element_size():
        return input.to(target.dtype), target
    return input, target.to(input.dtype)


def _constant(name: str, what: str, value: Any, input: Tensor) -> Any:
    """A weight-like argument as a raw array in the input's dtype (it gets no gradient)."""
    if value is None:
        return None
    if isinstance(value, Tensor):
        if value.requires_grad and ag.is_grad_enabled():
            raise RuntimeError(f"{name}: the derivative for '{what}' is not implemented")
        return value.data.astype(input.data.dtype, copy=False)
    return backend.asarray(value, dtype=input.data.dtype, device=input.device)


def mse_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
             reduction: str = "mean") -> Tensor:
    """Mean squared error: l_n = (x_n - y_n)^2, reduced ('mean' divides by the element count)."""
    reduction = _reduction(size_average, reduce, reduction)
    input, target = _loss_operands("mse_loss", input, target, integer_target=True)
    return _loss.MSELoss.apply(input, target, reduction)


def l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
            reduction: str = "mean") -> Tensor:
    """Mean absolute error: l_n = |x_n - y_n|;  dl_n/dx_n = sign(x_n - y_n)."""
    reduction = _reduction(size_average, reduce, reduction)
    input, target = _loss_operands("l1_loss", input, target, integer_target=True)
    loss = (input - target).abs()
    return loss if reduction == "none" else (loss.sum() if reduction == "sum" else loss.mean())


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average: Any = None, reduce: Any = None,
                         reduction: str = "mean") -> Tensor:
    """l_n = -w_n (y_n ln x_n + (1 - y_n) ln(1 - x_n)) on probabilities x; logs floored at -100."""
    reduction = _reduction(size_average, reduce, reduction)
    input, target = _loss_operands("binary_cross_entropy", input, target, mixed_floats=False)
    w = _constant("binary_cross_entropy", "weight", weight, input)
    return _loss.BCELoss.apply(input, target, w, reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average: Any = None, reduce: Any = None,
                                     reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """BCE of sigmoid(x) in one stable op:
    l_n = w_n ((1 - y_n) x_n + (1 + (p - 1) y_n) ln(1 + e^{-x_n})), p = pos_weight."""
    reduction = _reduction(size_average, reduce, reduction)
    input, target = _float_operands("binary_cross_entropy_with_logits", input, target)
    if tuple(input.shape) != tuple(target.shape):
        raise ValueError(
            f"Target size ({tuple(target.shape)}) must be the same as input size "
            f"({tuple(input.shape)})"
        )
    w = _constant("binary_cross_entropy_with_logits", "weight", weight, input)
    pw = _constant("binary_cross_entropy_with_logits", "pos_weight", pos_weight, input)
    return _loss.BCEWithLogitsLoss.apply(input, target, w, pw, reduction)


def _class_input(name: str, input: Tensor) -> None:
    if not input.is_floating_point():
        raise TypeError(f"{name}: input must be a floating point tensor, got {input.dtype}")
    if input.ndim < 1:
        raise ValueError(f"{name}: input must have a class dimension, got a 0-d tensor")


def _class_weight(name: str, weight: Any, input: Tensor, num_classes: int) -> Any:
    w = _constant(name, "weight", weight, input)
    if w is not None and tuple(w.shape) != (num_classes,):
        raise RuntimeError(
            f"{name}: weight tensor should be defined either for all {num_classes} classes or "
            f"no classes but got weight tensor of shape: {tuple(w.shape)}"
        )
    return w


def _index_target(name: str, input: Tensor, target: Tensor) -> None:
    if target.device != input.device:  # the target's raw array meets the input's below
        raise RuntimeError(
            f"Expected all tensors to be on the same device, but found at least two devices, "
            f"{input.device} and {target.device}! ({name}'s target)"
        )
    if target.dtype not in (ag.int64, ag.uint8):  # PyTorch takes no int32 class indices
        raise RuntimeError(
            f"{name}: expected target dtype to be int64 (class indices) or a float tensor of "
            f"the input's shape (class probabilities), but got {target.dtype} of shape "
            f"{tuple(target.shape)}"
        )
    expected = (input.shape[0],) + tuple(input.shape[2:])
    if target.ndim and target.shape[0] != input.shape[0]:  # PyTorch's type and words
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
            f"({target.shape[0]}) in {name}: input {tuple(input.shape)}, "
            f"target {tuple(target.shape)}"
        )
    if tuple(target.shape) != expected:
        raise RuntimeError(
            f"{name}: expected target of shape {expected} (class indices) for input of shape "
            f"{tuple(input.shape)}, got {tuple(target.shape)}"
        )


def _plain_class_indices(target: Any, num_classes: int, ignore_index: int) -> bool:
    """True when every class index lies in [0, C) and none equals ignore_index: the fused
    CrossEntropyIndexLoss applies (otherwise class_coefficients handles, or rejects, them)."""
    if target.dtype.kind not in "iu" or target.ndim != 1 or target.size == 0:
        return False
    low, high = int(target.min()), int(target.max())
    if low < 0 or high >= num_classes:
        return False
    return not (low <= ignore_index <= high and bool((target == ignore_index).any()))


def _usual_class_indices(input: Any, target: Any, ignore_index: int) -> bool:
    """True for the usual call of cross_entropy, checked in one go: (N, C) float logits and
    (N,) int64 class indices in [0, C), none equal to ignore_index, both on the host.
    Everything else takes the general checks, with their errors."""
    if not (isinstance(input, Tensor) and isinstance(target, Tensor)):
        return False
    x, t = input.data, target.data
    if type(x) is not _ndarray or type(t) is not _ndarray or x.ndim != 2 or t.ndim != 1 \
            or t.dtype is not _INT64 or x.dtype.kind != "f" or len(t) != len(x):
        return False
    return _plain_class_indices(t, x.shape[1], ignore_index)


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  size_average: Any = None, ignore_index: int = -100, reduce: Any = None,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy of logits (N, C), (N, C, d1, ...) or (C,) against class indices or
    probabilities.

    With class indices y: l_n = -w[y_n] log softmax(x_n)[y_n] (smoothed by label_smoothing
    eps: (1 - eps) of that plus eps/C of -sum_c w[c] log softmax(x_n)[c]); 'mean' divides
    by the sum of w[y_n] over targets that are not ``ignore_index``.
    With probabilities y (float, the input's shape): l_n = -sum_c w[c] y'[n, c] log softmax(x_n)[c],
    y' = (1 - eps) y + eps/C; 'mean' divides by N (times d1 ...).
    """
    reduction = _reduction(size_average, reduce, reduction)
    if weight is None and label_smoothing == 0.0 and \
            _usual_class_indices(input, target, ignore_index):
        return _loss.CrossEntropyIndexLoss.apply(input, target.data, reduction, None)
    _class_input("cross_entropy", input)
    if not isinstance(target, Tensor):
        raise TypeError(f"cross_entropy: target must be a Tensor, got {type(target).__name__}")
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    unbatched = input.ndim == 1
    if unbatched:
        input = input.unsqueeze(0)
        target = target.unsqueeze(0)
    num_classes = input.shape[1]
    xp = backend.get_array_module(input.data)
    probabilities = target.is_floating_point() and tuple(target.shape) == tuple(input.shape)
    if probabilities:
        input, target = _float_operands("cross_entropy", input, target)
    w = _class_weight("cross_entropy", weight, input, num_classes)
    dtype = input.data.dtype
    if probabilities:
        scale = 1.0 - label_smoothing
        if w is not None:
            scale = scale * w.reshape((1, num_classes) + (1,) * (input.ndim - 2))
        q = target.data * (1.0 - label_smoothing) + label_smoothing / num_classes
        if w is not None:
            q = q * w.reshape((1, num_classes) + (1,) * (input.ndim - 2))
        out = _loss.CrossEntropyLoss.apply(input, target, q, None, scale, reduction)
    else:
        _index_target("cross_entropy", input, target)
        fused = w is None and label_smoothing == 0.0 and input.ndim == 2  # target: (N,) ints
        if fused and input.device.type != "cpu":
            # On a GPU, looking at the targets first would make the host wait for the
            # forward pass; the fused loss masks ignore_index itself and the bounds check
            # is read later (backend.check).
            keep = _loss.check_class_indices(target.data, num_classes, ignore_index)
        else:  # on the CPU looking is cheap, and the unmasked loss is faster
            fused = fused and _plain_class_indices(target.data, num_classes, ignore_index)
            keep = None
        if fused:
            out = _loss.CrossEntropyIndexLoss.apply(input, target.data, reduction, keep)
            return out.squeeze(0) if unbatched and reduction == "none" else out
        q, denominator = _loss.class_coefficients(
            xp, target.data, num_classes, dtype, w, ignore_index, label_smoothing)
        out = _loss.CrossEntropyLoss.apply(input, None, q, denominator, None, reduction)
    if unbatched and reduction == "none":
        out = out.squeeze(0)
    return out


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
             ignore_index: int = -100, reduce: Any = None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of log-probabilities x: l_n = -w[y_n] x[n, y_n].

    'mean' divides by the sum of w[y_n] over targets that are not ``ignore_index``.
    ``nll_loss(log_softmax(x, 1), y)`` equals ``cross_entropy(x, y)``.
    """
    reduction = _reduction(size_average, reduce, reduction)
    _class_input("nll_loss", input)
    unbatched = input.ndim == 1
    if unbatched:
        input = input.unsqueeze(0)
        target = target.unsqueeze(0)
    _index_target("nll_loss", input, target)
    num_classes = input.shape[1]
    w = _class_weight("nll_loss", weight, input, num_classes)
    q, denominator = _loss.class_coefficients(
        backend.get_array_module(input.data), target.data, num_classes, input.data.dtype, w,
        ignore_index, 0.0)
    out = _loss.NLLLoss.apply(input, q, denominator, reduction)
    if unbatched and reduction == "none":
        out = out.squeeze(0)
    return out


# --- more activations and losses ---------------------------------------------------------------

__all__ += [
    "prelu", "selu", "mish", "softsign", "hardtanh", "hardtanh_", "relu6", "smooth_l1_loss",
    "huber_loss", "kl_div", "cosine_embedding_loss", "margin_ranking_loss", "normalize",
    "cosine_similarity",
]


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """PReLU: f(x) = x for x > 0, a x otherwise, with a learned ``weight`` a (one number, or
    one per channel: dim 1 of input);  f'(x) = 1 or a, df/da = 0 or x."""
    return _act.prelu(input, weight)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """SELU: f(x) = scale (max(0, x) + min(0, alpha (e^x - 1))), alpha ~ 1.6733, scale ~ 1.0507;
    f'(x) = scale for x > 0, else scale alpha e^x."""
    return _inplace.apply_(input, _act.selu) if inplace else _act.selu(input)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """Mish: f(x) = x tanh(softplus(x));
    f'(x) = t + x (1 - t^2) sigmoid(x), with t = tanh(softplus(x))."""
    return _inplace.apply_(input, _act.mish) if inplace else _act.mish(input)


def softsign(input: Tensor) -> Tensor:
    """Softsign: f(x) = x / (1 + |x|), in (-1, 1);  f'(x) = 1 / (1 + |x|)^2."""
    return input / (input.abs() + 1)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """HardTanh: f(x) = min(max(x, min_val), max_val);  f'(x) = 1 strictly between, else 0."""
    if inplace:
        return _inplace.apply_(input, _act.hardtanh, min_val, max_val)
    return _act.hardtanh(input, min_val, max_val)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """``hardtanh`` in place: the result is written into ``input``, which is returned."""
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """ReLU6: f(x) = min(max(0, x), 6), hardtanh(x, 0, 6);  f'(x) = 1 for 0 < x < 6, else 0."""
    return hardtanh(input, 0.0, 6.0, inplace)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Smooth L1: l_n = (x_n - y_n)^2 / (2 beta) where |x_n - y_n| < beta, else
    |x_n - y_n| - beta / 2 (beta = 0: the L1 loss)."""
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    input, target = _loss_operands("smooth_l1_loss", input, target, integer_target=True)
    return _loss.HuberLoss.apply(input, target, float(beta), False, reduction)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """Huber: l_n = (x_n - y_n)^2 / 2 where |x_n - y_n| < delta, else
    delta (|x_n - y_n| - delta / 2)."""
    reduction = _reduction(None, None, reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is not None:
        raise NotImplementedError("huber_loss(weight=...) is not supported")
    input, target = _loss_operands("huber_loss", input, target, integer_target=True)
    return _loss.HuberLoss.apply(input, target, float(delta), True, reduction)


def kl_div(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """KL divergence of log-probabilities ``input`` from ``target`` (probabilities, or log-
    probabilities with ``log_target=True``): l_n = y_n (ln y_n - x_n).

    ``reduction='batchmean'`` divides the sum by the batch size (input.size(0)): the KL
    divergence per sample. 'mean' divides by the element count (PyTorch warns about it).
    """
    if reduction == "batchmean":
        if size_average is not None or reduce is not None:
            reduction = _legacy_reduction(size_average, reduce, "mean")
    else:
        reduction = _reduction(size_average, reduce, reduction)
    if reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.", UserWarning, stacklevel=_outside_nn_stacklevel())
    input, target = _loss_operands("kl_div", input, target)
    denominator = None
    if reduction == "batchmean":
        reduction, denominator = "mean", (input.shape[0] if input.ndim else 1)
    return _loss.KLDivLoss.apply(input, target, bool(log_target), reduction, denominator)


def _reduced(loss: Tensor, reduction: str) -> Tensor:
    return loss if reduction == "none" else (loss.sum() if reduction == "sum" else loss.mean())


_COSINE_EPSILON = 1e-12  # PyTorch's floor under the squared norms in cosine_embedding_loss


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          size_average: Any = None, reduce: Any = None,
                          reduction: str = "mean") -> Tensor:
    """l_n = 1 - cos(x1_n, x2_n) where y_n = 1, max(0, cos(x1_n, x2_n) - margin) where y_n = -1;
    cos over the last dim, with 1e-12 added to each squared norm (PyTorch's formula)."""
    reduction = _reduction(size_average, reduce, reduction)
    if input1.ndim not in (1, 2) or tuple(input1.shape) != tuple(input2.shape):
        raise RuntimeError(
            f"cosine_embedding_loss: expected input1 and input2 of one shape, 1-D or 2-D, got "
            f"{tuple(input1.shape)} and {tuple(input2.shape)}"
        )
    if target.ndim != input1.ndim - 1:
        raise RuntimeError(
            f"{input1.ndim}D target tensor expects {input1.ndim - 1}D target tensor, but got "
            f"{target.ndim}D ({tuple(target.shape)})"
        )
    dim = input1.ndim - 1
    product = (input1 * input2).sum(dim)
    squares1 = (input1 * input1).sum(dim) + _COSINE_EPSILON
    squares2 = (input2 * input2).sum(dim) + _COSINE_EPSILON
    cos = product / (squares1 * squares2).sqrt()
    zero = ag.zeros_like(cos)
    loss = ag.where(target == 1, 1 - cos, zero) + ag.where(target == -1,
                                                         (cos - margin).clamp_min(0), zero)
    return _reduced(loss, reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        size_average: Any = None, reduce: Any = None,
                        reduction: str = "mean") -> Tensor:
    """l_n = max(0, -y_n (x1_n - x2_n) + margin), y_n = 1 (x1 should rank higher) or -1."""
    reduction = _reduction(size_average, reduce, reduction)
    if not (input1.ndim == input2.ndim == target.ndim):
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {tuple(input1.shape)}, input2: {tuple(input2.shape)}, "
            f"target: {tuple(target.shape)} "
        )
    loss = (-target * (input1 - input2) + margin).clamp_min(0)
    return _reduced(loss, reduction)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: Any = None) -> Tensor:
    """input / max(||input||_p, eps) along ``dim``: unit vectors, as ``F.normalize``."""
    if out is not None:
        raise NotImplementedError("normalize(out=...) is not supported")
    return input / input.norm(p, dim, keepdim=True).clamp_min(eps)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """sum(x1 / max(||x1||, eps) * x2 / max(||x2||, eps)) along ``dim`` (broadcasting),
    PyTorch's formula: each vector is divided by its norm first, which keeps the result in
    [-1, 1]. As there, the clamp at eps changes the value only: the gradient flows through the
    norm as if unclamped."""
    norm1 = x1.norm(2, dim, keepdim=True)
    norm2 = x2.norm(2, dim, keepdim=True)
    norm1 = norm1 + (norm1.clamp_min(eps) - norm1).detach()
    norm2 = norm2 + (norm2.clamp_min(eps) - norm2).detach()
    return ((x1 / norm1) * (x2 / norm2)).sum(dim)
