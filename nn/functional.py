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

def _check_tensors(name: str, *args: tuple[str, Any]) -> None:
    """PyTorch's TypeError for the first of ``(arg_name, value)`` that is not a Tensor (a
    None bias passes), e.g. ``linear(): argument 'input' (position 1) must be Tensor, not
    list``. Called where the usual call pays nothing for it: once an op has failed (when
    every argument is a Tensor it returns, and the caller re-raises the op's own error), or
    after one isinstance test on a path that is not the hot one."""
    for position, (arg_name, value) in enumerate(args, 1):
        if not isinstance(value, Tensor) and not (arg_name == "bias" and value is None):
            raise TypeError(
                f"{name}(): argument '{arg_name}' (position {position}) must be Tensor, not "
                f"{type(value).__name__}"
            ) from None


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x W^T + b, W of shape (out_features, in_features): a = b + sum_i y_i w_i per neuron."""
    try:
        return _Linear.apply(input, weight, bias)
    except Exception:  # was an argument a list or an array, where a Tensor belongs?
        _check_tensors("linear", ("input", input), ("weight", weight), ("bias", bias))
        raise


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Inverted dropout: each element is zeroed with probability p, survivors scaled by 1/(1-p).

    The identity when ``training`` is False (so ``model.eval()`` needs no rescaling).
    The mask comes from ``ag.rand``, so ``ag.manual_seed`` makes it repeatable.
    ``inplace=True`` writes the result into ``input`` and returns it.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not isinstance(input, Tensor):
        _check_tensors("dropout", ("input", input))
    if not training or p == 0.0:
        return input
    if p == 1.0:
        scale: Any = 0.0
    else:
        keep = 1.0 - p
        uniform = ag.rand(input.shape, dtype=input.dtype, device=input.device)
        mask = (uniform._array < keep) * (1.0 / keep)
        scale = ag.as_tensor(mask.astype(input._array.dtype, copy=False))
    return _inplace.apply_(input, Tensor.__mul__, scale) if inplace else input * scale


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices (any shape) -> 0/1 int64 vectors of length num_classes on a new last axis."""
    if not isinstance(tensor, Tensor):
        _check_tensors("one_hot", ("tensor", tensor))
    data = tensor._array
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
    try:
        return input.relu_() if inplace else input.relu()
    except Exception:
        _check_tensors("relu", ("input", input))
        raise


def relu_(input: Tensor) -> Tensor:
    """``relu`` in place: the result is written into ``input``, which is returned."""
    try:
        return input.relu_()
    except Exception:
        _check_tensors("relu_", ("input", input))
        raise


def sigmoid(input: Tensor) -> Tensor:
    """Logistic: f(x) = 1 / (1 + e^{-x}), in (0, 1);  f'(x) = f(x)(1 - f(x)). Stable for +-1000."""
    try:
        return input.sigmoid()
    except Exception:
        _check_tensors("sigmoid", ("input", input))
        raise


def tanh(input: Tensor) -> Tensor:
    """TanH: f(x) = 2 / (1 + e^{-2x}) - 1, in (-1, 1);  f'(x) = 1 - f(x)^2."""
    try:
        return input.tanh()
    except Exception:
        _check_tensors("tanh", ("input", input))
        raise


def arctan(input: Tensor) -> Tensor:
    """ArcTan: f(x) = tan^{-1}(x);  f'(x) = 1 / (x^2 + 1)."""
    try:
        return _act.ArcTan.apply(input)
    except Exception:
        _check_tensors("arctan", ("input", input))
        raise


def binary_step(input: Tensor) -> Tensor:
    """Binary step: f(x) = 0 for x < 0, 1 for x >= 0;  f'(x) = 0."""
    try:
        return _act.binary_step(input)
    except Exception:
        _check_tensors("binary_step", ("input", input))
        raise


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """SoftPlus: f(x) = (1/beta) ln(1 + e^{beta x});  f'(x) = 1 / (1 + e^{-beta x}).

    Linear (f(x) = x) where beta x > threshold, as PyTorch. Stable for +-1000.
    """
    try:
        return _act.softplus(input, beta, threshold)
    except Exception:
        _check_tensors("softplus", ("input", input))
        raise


def bent_identity(input: Tensor) -> Tensor:
    """Bent identity: f(x) = (sqrt(x^2 + 1) - 1)/2 + x;  f'(x) = x / (2 sqrt(x^2 + 1)) + 1."""
    try:
        return _act.bent_identity(input)
    except Exception:
        _check_tensors("bent_identity", ("input", input))
        raise


def soft_exponential(input: Tensor, alpha: Any) -> Tensor:
    """SoftExponential f(alpha, x) (``nn.SoftExponential``); alpha a number or 1-element tensor."""
    try:
        return _act.soft_exponential(input, alpha)
    except Exception:
        _check_tensors("soft_exponential", ("input", input))
        raise


def sinusoid(input: Tensor) -> Tensor:
    """Sinusoid: f(x) = sin(x);  f'(x) = cos(x)."""
    try:
        return input.sin()
    except Exception:
        _check_tensors("sinusoid", ("input", input))
        raise


def sinc(input: Tensor) -> Tensor:
    """Sinc (unnormalised, as the course): f(x) = sin(x)/x, f(0) = 1;
    f'(x) = cos(x)/x - sin(x)/x^2, f'(0) = 0."""
    try:
        return _act.sinc(input)
    except Exception:
        _check_tensors("sinc", ("input", input))
        raise


def gaussian(input: Tensor) -> Tensor:
    """Gaussian: f(x) = e^{-x^2};  f'(x) = -2x e^{-x^2}."""
    try:
        return _act.gaussian(input)
    except Exception:
        _check_tensors("gaussian", ("input", input))
        raise


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """f(x) = x for x > 0, negative_slope x otherwise;  f'(x) = 1 or negative_slope."""
    try:
        if inplace:
            return _inplace.apply_(input, _act.leaky_relu, negative_slope)
        return _act.leaky_relu(input, negative_slope)
    except Exception:
        _check_tensors("leaky_relu", ("input", input))
        raise


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """``leaky_relu`` in place: the result is written into ``input``, which is returned."""
    return leaky_relu(input, negative_slope, inplace=True)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """f(x) = x for x > 0, alpha (e^x - 1) otherwise;  f'(x) = 1 or alpha e^x."""
    try:
        return _inplace.apply_(input, _act.elu, alpha) if inplace else _act.elu(input, alpha)
    except Exception:
        _check_tensors("elu", ("input", input))
        raise


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``elu`` in place: the result is written into ``input``, which is returned."""
    return elu(input, alpha, inplace=True)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """f(x) = x Phi(x), Phi the normal CDF (approximate='tanh': the tanh formula);
    f'(x) = Phi(x) + x phi(x)."""
    try:
        return _act.gelu(input, approximate)
    except Exception:
        _check_tensors("gelu", ("input", input))
        raise


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """SiLU (swish): f(x) = x sigmoid(x);  f'(x) = sigmoid(x) (1 + x (1 - sigmoid(x)))."""
    try:
        return _inplace.apply_(input, _silu) if inplace else _silu(input)
    except Exception:
        _check_tensors("silu", ("input", input))
        raise


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
    if not isinstance(input, Tensor):
        _check_tensors("softmax", ("input", input))
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim)
    if dtype is not None:
        input = input.to(dtype)
    return ag.softmax(input, dim)


def log_softmax(input: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:
    """log softmax(z)_j = z_j - ln sum_k e^{z_k} along ``dim``, computed stably."""
    if not isinstance(input, Tensor):
        _check_tensors("log_softmax", ("input", input))
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
        x, y = input._array, target._array
        dtype = x.dtype
        if dtype is y.dtype and dtype.kind == "f" and x.shape == y.shape:
            return input, target
    input, target = _float_operands(name, input, target, integer_target, mixed_floats)
    _same_shape(name, input, target)
    return input, target


def _same_shape(name: str, input: Tensor, target: Tensor) -> None:
    """A deliberate difference: PyTorch only warns when target and input differ in shape and
    then broadcasts them ((N, 1) against (N,) compares every pair); we refuse."""
    if input._array.shape != target._array.shape:  # tuples, on numpy and CuPy
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
    if not (isinstance(input, Tensor) and isinstance(target, Tensor)):
        _check_tensors(name, ("input", input), ("target", target))
    if not input.is_floating_point():
        raise TypeError(f"{name}: input must be a floating point tensor, got {input.dtype}")
    if target._array.dtype == input._array.dtype:  # numpy dtypes: cheaper than comparing DTypes
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
        return value._array.astype(input._array.dtype, copy=False)
    return backend.asarray(value, dtype=input._array.dtype, device=input.device)


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
    CrossEntropyIndexLoss applies (otherwise class_targets handles, or rejects, them)."""
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
    x, t = input._array, target._array
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
        return _loss.CrossEntropyIndexLoss.apply(input, target._array, reduction, None)
    if not (isinstance(input, Tensor) and isinstance(target, Tensor)):
        _check_tensors("cross_entropy", ("input", input), ("target", target))
    _class_input("cross_entropy", input)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    unbatched = input.ndim == 1
    if unbatched:
        input = input.unsqueeze(0)
        target = target.unsqueeze(0)
    num_classes = input.shape[1]
    xp = backend.get_array_module(input._array)
    probabilities = target.is_floating_point() and tuple(target.shape) == tuple(input.shape)
    if probabilities:
        input, target = _float_operands("cross_entropy", input, target)
    w = _class_weight("cross_entropy", weight, input, num_classes)
    dtype = input._array.dtype
    if probabilities:
        scale = 1.0 - label_smoothing
        if w is not None:
            scale = scale * w.reshape((1, num_classes) + (1,) * (input.ndim - 2))
        q = target._array * (1.0 - label_smoothing) + label_smoothing / num_classes
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
            keep = _loss.check_class_indices(target._array, num_classes, ignore_index)
        else:  # on the CPU looking is cheap, and the unmasked loss is faster
            fused = fused and _plain_class_indices(target._array, num_classes, ignore_index)
            keep = None
        if fused:
            out = _loss.CrossEntropyIndexLoss.apply(input, target._array, reduction, keep)
            return out.squeeze(0) if unbatched and reduction == "none" else out
        classes = _loss.class_targets(
            xp, target._array, num_classes, dtype, w, ignore_index, label_smoothing)
        out = _loss.CrossEntropyLoss.apply(input, None, None, classes, None, reduction)
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
    if not (isinstance(input, Tensor) and isinstance(target, Tensor)):
        _check_tensors("nll_loss", ("input", input), ("target", target))
    _class_input("nll_loss", input)
    unbatched = input.ndim == 1
    if unbatched:
        input = input.unsqueeze(0)
        target = target.unsqueeze(0)
    _index_target("nll_loss", input, target)
    num_classes = input.shape[1]
    w = _class_weight("nll_loss", weight, input, num_classes)
    classes = _loss.class_targets(
        backend.get_array_module(input._array), target._array, num_classes, input._array.dtype, w,
        ignore_index, 0.0)
    out = _loss.NLLLoss.apply(input, classes, reduction)
    if unbatched and reduction == "none":
        out = out.squeeze(0)
    return out
