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


# --- normalisation, dropout2d, embedding ------------------------------------------------------

from autograd.ops import normalization as _norm  # noqa: E402 - this section's ops

__all__ += [
    "batch_norm", "layer_norm", "group_norm", "dropout1d", "dropout2d", "embedding",
]


def _per_channel(name: str, value: Any, channels: int) -> None:
    """PyTorch's error for a per-channel vector of the wrong length."""
    if value is not None and value.numel() != channels:
        raise RuntimeError(f"{name} should contain {channels} elements not {value.numel()}")


def _more_than_one_value(size: list[int]) -> None:
    """Training statistics need at least two values per channel (size[0] * size[2:])."""
    values = size[0]
    for n in size[2:]:
        values *= n
    if values == 1:
        raise ValueError(
            f"Expected more than 1 value per channel when training, got input size {size}"
        )


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Batch normalisation of input (N, C, *) per channel:
    y = (x - mu) / sqrt(sigma^2 + eps) * weight + bias.

    ``training=True``: mu and sigma^2 are the batch's (mean and biased variance over N and *),
    and ``running_mean``/``running_var`` (where given) are updated in place:
    running = (1 - momentum) running + momentum batch, with the unbiased batch variance for
    running_var. ``training=False``: mu and sigma^2 are ``running_mean`` and ``running_var``.
    """
    if input.ndim < 2:
        raise ValueError(
            f"batch_norm: expected an input of shape (N, C, *), got a {input.ndim}D input of "
            f"shape {tuple(input.shape)}"
        )
    if training:
        _more_than_one_value(list(input.shape))
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    channels = input.shape[1]
    if not training and (running_mean is None or running_var is None):
        which = "running_mean" if running_mean is None else "running_var"
        raise RuntimeError(f"{which} must be defined in evaluation mode")
    for name, value in (("running_mean", running_mean), ("running_var", running_var),
                        ("weight", weight), ("bias", bias)):
        _per_channel(name, value, channels)
    return _norm.BatchNorm.apply(input, weight, bias, (running_mean, running_var), training,
                                 momentum, eps)


def layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Layer normalisation over the last dims (``normalized_shape``) of each sample:
    y = (x - mu) / sqrt(sigma^2 + eps) * weight + bias, mu and sigma^2 (biased) over those dims.
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else \
        tuple(int(n) for n in normalized_shape)
    ndims = len(shape)
    if ndims == 0 or tuple(input.shape[input.ndim - ndims:]) != shape or input.ndim < ndims:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(map(str, shape))}], but got input of size{list(input.shape)}"
        )
    for name, value in (("weight", weight), ("bias", bias)):
        if value is not None and tuple(value.shape) != shape:
            raise RuntimeError(
                f"Expected {name} to be of same shape as normalized_shape, but got {name} of "
                f"shape {list(value.shape)} and normalized_shape = {list(shape)}"
            )
    return _norm.LayerNorm.apply(input, weight, bias, ndims, eps)


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Group normalisation of input (N, C, *): the channels split into ``num_groups`` groups,
    each sample's group standardised over its channels and *, then scaled and shifted per
    channel by weight and bias."""
    if input.ndim < 2:
        raise RuntimeError(
            f"Expected at least 2 dimensions for input tensor but received {input.ndim}"
        )
    n, channels = input.shape[0], input.shape[1]
    if num_groups <= 0 or channels % num_groups:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but got input "
            f"of shape {list(input.shape)} and num_groups={num_groups}"
        )
    _more_than_one_value([n * channels // num_groups, num_groups] + list(input.shape[2:]))
    for name, value in (("weight", weight), ("bias", bias)):
        if value is not None and (value.ndim != 1 or value.numel() != channels):
            raise RuntimeError(
                f"Expected {name} to be a vector of size equal to the number of channels in "
                f"input, but got {name} of shape {list(value.shape)} and input of shape "
                f"{list(input.shape)}"
            )
    return _norm.GroupNorm.apply(input, weight, bias, num_groups, eps)


def _feature_dropout(input: Tensor, p: float, training: bool, inplace: bool) -> Tensor:
    """Zero whole channels: one draw per (sample, channel) of input (N, C, *), survivors
    scaled by 1/(1-p)."""
    if not training or p == 0.0:
        return input
    if p == 1.0:
        scale: Any = 0.0
    else:
        keep = 1.0 - p
        mask_shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
        uniform = ag.rand(mask_shape, dtype=input.dtype, device=input.device)
        mask = (uniform.data < keep) * (1.0 / keep)
        scale = ag.as_tensor(mask.astype(input.data.dtype, copy=False))
    return _inplace.apply_(input, Tensor.__mul__, scale) if inplace else input * scale


def _check_p(p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Channel dropout for (N, C, L) or unbatched (C, L) input: each channel input[n, c] is
    zeroed as a whole with probability p, the others scaled by 1/(1-p); the identity when
    ``training`` is False."""
    _check_p(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that "
            "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial "
            "dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D "
            "inputs)."
        )
    if input.ndim == 3:
        return _feature_dropout(input, p, training, inplace)
    result = _feature_dropout(input.unsqueeze(0), p, training, False).squeeze(0)
    if inplace and result is not input:
        return _inplace.apply_(input, lambda t: result)
    return result


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Channel dropout for (N, C, H, W) input: each channel input[n, c] is zeroed as a whole
    with probability p, the others scaled by 1/(1-p); the identity when ``training`` is False.

    As PyTorch does, a 3D input is taken as (N, C, L) (channel-wise 1D dropout, with a
    warning: use dropout1d for that), and other ranks of at least 2 drop input[n, c] with a
    warning.
    """
    _check_p(p)
    if input.ndim not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and "
            "will result in an error in a future release. To retain the behavior and silence "
            "this warning, please use dropout instead. Note that dropout2d exists to provide "
            "channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, "
            "and an optional batch dimension (i.e. 3D or 4D inputs).",
            UserWarning, stacklevel=_outside_nn_stacklevel(),
        )
    if input.ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            UserWarning, stacklevel=_outside_nn_stacklevel(),
        )
    if input.ndim < 2 and training:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    return _feature_dropout(input, p, training, inplace)


def _embedding_renorm_(weight: Tensor, indices: Any, max_norm: float, norm_type: float) -> None:
    """Rescale, in place, each row of ``weight`` that ``indices`` looks up and whose
    ``norm_type``-norm exceeds ``max_norm`` to norm max_norm (PyTorch: max_norm / (norm + 1e-7))."""
    xp = backend.get_array_module(weight.data)
    with ag.no_grad():
        rows = xp.unique(indices.reshape(-1))
        values = weight.data[rows]
        if norm_type == float("inf"):
            norms = xp.abs(values).max(axis=1)
        else:
            norms = (xp.abs(values) ** norm_type).sum(axis=1) ** (1.0 / norm_type)
        scale = xp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
        # written through the Tensor, so that a graph that saved weight refuses, as in PyTorch
        weight[ag.as_tensor(rows)] = ag.as_tensor(values * scale.astype(values.dtype)[:, None])


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Look up rows of ``weight`` (num_embeddings, embedding_dim) by the integer indices of
    ``input`` (any shape): output shape input.shape + (embedding_dim,).

    The gradient of a row is the sum of the gradients at every position that looked it up;
    the ``padding_idx`` row gets none. ``max_norm`` renormalises, in place, the rows looked up
    whose norm exceeds it; ``scale_grad_by_freq`` divides each row's gradient by how often the
    row occurs in ``input``. ``sparse`` gradients are not supported.
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"embedding: input must be a Tensor of indices, got {type(input).__name__}")
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    num_embeddings = weight.shape[0]
    if padding_idx is not None:
        if not -num_embeddings <= padding_idx < num_embeddings:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx %= num_embeddings
    if sparse:
        raise NotImplementedError("embedding: sparse gradients are not supported; "
                                  "use sparse=False")
    indices = input.data
    if indices.dtype not in (np.int64, np.int32):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {input.dtype} instead (while checking arguments for "
            "embedding)"
        )
    if input.device != weight.device:
        raise RuntimeError(
            f"Expected all tensors to be on the same device, but found at least two devices, "
            f"{weight.device} and {input.device}! (embedding's indices)"
        )
    if indices.size:
        check_in_range(indices, 0, num_embeddings, lambda v: IndexError(
            f"index out of range in self: index {v} of an embedding with {num_embeddings} rows"))
    if max_norm is not None:
        _embedding_renorm_(weight, indices, max_norm, norm_type)
    return _norm.Embedding.apply(weight, indices, padding_idx, scale_grad_by_freq)
