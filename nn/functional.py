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
    """y = x W^T + b, W of shape (out_features, in_features): a = b + sum_i y_i w_i per neuron.

    Input ``(*, in_features)``, weight (out_features, in_features), bias (out_features,) or
    None; returns ``(*, out_features)``. Mismatched sizes raise RuntimeError naming the shapes.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> x, W, b = ag.ones(4, 3), ag.ones(2, 3), ag.tensor([0.5, -0.5])
        >>> F.linear(x, W, b)
        tensor([[3.5000, 2.5000],
                [3.5000, 2.5000],
                [3.5000, 2.5000],
                [3.5000, 2.5000]])
    """
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

    Returns a new tensor of the input's shape; ``p`` outside [0, 1] raises ValueError.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.dropout(ag.ones(6), p=0.5)
        tensor([0., 2., 2., 2., 0., 0.])
        >>> F.dropout(ag.ones(3), p=0.5, training=False)
        tensor([1., 1., 1.])
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
    """Class indices (any shape) -> 0/1 int64 vectors of length num_classes on a new last axis.

    ``num_classes=-1`` takes the largest index + 1. Negative indices or indices >= num_classes
    raise RuntimeError.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.one_hot(ag.tensor([0, 2, 1]), num_classes=3)
        tensor([[1, 0, 0],
                [0, 0, 1],
                [0, 1, 0]])
    """
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
    """Identity: f(x) = x;  f'(x) = 1.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.identity(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-2.,  0.,  3.])
    """
    return input


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """Rectified linear: f(x) = max(0, x);  f'(x) = 1 for x > 0, else 0.

    ``inplace=True`` writes the result into ``input`` and returns it (``relu_``).

    Input any shape; returns a new tensor of the same shape.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.relu(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([0., 0., 3.])
    """
    try:
        return input.relu_() if inplace else input.relu()
    except Exception:
        _check_tensors("relu", ("input", input))
        raise


def relu_(input: Tensor) -> Tensor:
    """``relu`` in place: the result is written into ``input``, which is returned.

    A leaf that requires grad cannot be modified in place (RuntimeError).

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> x = ag.tensor([-2.0, 0.0, 3.0])
        >>> y = F.relu_(x)
        >>> y is x, x
        (True, tensor([0., 0., 3.]))
    """
    try:
        return input.relu_()
    except Exception:
        _check_tensors("relu_", ("input", input))
        raise


def sigmoid(input: Tensor) -> Tensor:
    """Logistic: f(x) = 1 / (1 + e^{-x}), in (0, 1);  f'(x) = f(x)(1 - f(x)). Stable for +-1000.

    Input any shape; returns a new tensor of the same shape.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.sigmoid(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([0.1192, 0.5000, 0.9526])
    """
    try:
        return input.sigmoid()
    except Exception:
        _check_tensors("sigmoid", ("input", input))
        raise


def tanh(input: Tensor) -> Tensor:
    """TanH: f(x) = 2 / (1 + e^{-2x}) - 1, in (-1, 1);  f'(x) = 1 - f(x)^2.

    Input any shape; returns a new tensor of the same shape.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.tanh(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-0.9640,  0.0000,  0.9951])
    """
    try:
        return input.tanh()
    except Exception:
        _check_tensors("tanh", ("input", input))
        raise


def arctan(input: Tensor) -> Tensor:
    """ArcTan: f(x) = tan^{-1}(x);  f'(x) = 1 / (x^2 + 1).

    Input any shape; returns a new tensor of the same shape.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.arctan(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-1.1071,  0.0000,  1.2490])
    """
    try:
        return _act.ArcTan.apply(input)
    except Exception:
        _check_tensors("arctan", ("input", input))
        raise


def binary_step(input: Tensor) -> Tensor:
    """Binary step: f(x) = 0 for x < 0, 1 for x >= 0;  f'(x) = 0.

    Input any shape; returns a new tensor of the same shape.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.binary_step(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([0., 1., 1.])
    """
    try:
        return _act.binary_step(input)
    except Exception:
        _check_tensors("binary_step", ("input", input))
        raise


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """SoftPlus: f(x) = (1/beta) ln(1 + e^{beta x});  f'(x) = 1 / (1 + e^{-beta x}).

    Linear (f(x) = x) where beta x > threshold, as PyTorch. Stable for +-1000.

    Input any shape; returns a new tensor of the same shape.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.softplus(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([0.1269, 0.6931, 3.0486])
    """
    try:
        return _act.softplus(input, beta, threshold)
    except Exception:
        _check_tensors("softplus", ("input", input))
        raise


def bent_identity(input: Tensor) -> Tensor:
    """Bent identity: f(x) = (sqrt(x^2 + 1) - 1)/2 + x;  f'(x) = x / (2 sqrt(x^2 + 1)) + 1.

    Input any shape; returns a new tensor of the same shape.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.bent_identity(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-1.3820,  0.0000,  4.0811])
    """
    try:
        return _act.bent_identity(input)
    except Exception:
        _check_tensors("bent_identity", ("input", input))
        raise


def soft_exponential(input: Tensor, alpha: Any) -> Tensor:
    """SoftExponential f(alpha, x) (``nn.SoftExponential``); alpha a number or 1-element tensor.

    Input any shape; returns a new tensor of the same shape.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.soft_exponential(ag.tensor([-2.0, 0.0, 3.0]), 0.5)
        tensor([-0.7642,  0.5000,  7.4634])
    """
    try:
        return _act.soft_exponential(input, alpha)
    except Exception:
        _check_tensors("soft_exponential", ("input", input))
        raise


def sinusoid(input: Tensor) -> Tensor:
    """Sinusoid: f(x) = sin(x);  f'(x) = cos(x).

    Input any shape; returns a new tensor of the same shape.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.sinusoid(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-0.9093,  0.0000,  0.1411])
    """
    try:
        return input.sin()
    except Exception:
        _check_tensors("sinusoid", ("input", input))
        raise


def sinc(input: Tensor) -> Tensor:
    """Sinc (unnormalised, as the course): f(x) = sin(x)/x, f(0) = 1;
    f'(x) = cos(x)/x - sin(x)/x^2, f'(0) = 0.

    Input any shape; returns a new tensor of the same shape.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.sinc(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([0.4546, 1.0000, 0.0470])
    """
    try:
        return _act.sinc(input)
    except Exception:
        _check_tensors("sinc", ("input", input))
        raise


def gaussian(input: Tensor) -> Tensor:
    """Gaussian: f(x) = e^{-x^2};  f'(x) = -2x e^{-x^2}.

    Input any shape; returns a new tensor of the same shape.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.gaussian(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([1.8316e-02, 1.0000e+00, 1.2341e-04])
    """
    try:
        return _act.gaussian(input)
    except Exception:
        _check_tensors("gaussian", ("input", input))
        raise


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """f(x) = x for x > 0, negative_slope x otherwise;  f'(x) = 1 or negative_slope.

    Input any shape; returns a new tensor of the same shape.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.leaky_relu(ag.tensor([-2.0, 0.0, 3.0]), negative_slope=0.1)
        tensor([-0.2000,  0.0000,  3.0000])
    """
    try:
        if inplace:
            return _inplace.apply_(input, _act.leaky_relu, negative_slope)
        return _act.leaky_relu(input, negative_slope)
    except Exception:
        _check_tensors("leaky_relu", ("input", input))
        raise


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """``leaky_relu`` in place: the result is written into ``input``, which is returned.

    A leaf that requires grad cannot be modified in place (RuntimeError).

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> x = ag.tensor([-2.0, 0.0, 3.0])
        >>> y = F.leaky_relu_(x, 0.1)
        >>> y is x, x
        (True, tensor([-0.2000,  0.0000,  3.0000]))
    """
    return leaky_relu(input, negative_slope, inplace=True)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """f(x) = x for x > 0, alpha (e^x - 1) otherwise;  f'(x) = 1 or alpha e^x.

    Input any shape; returns a new tensor of the same shape.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.elu(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-0.8647,  0.0000,  3.0000])
    """
    try:
        return _inplace.apply_(input, _act.elu, alpha) if inplace else _act.elu(input, alpha)
    except Exception:
        _check_tensors("elu", ("input", input))
        raise


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``elu`` in place: the result is written into ``input``, which is returned.

    A leaf that requires grad cannot be modified in place (RuntimeError).

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> x = ag.tensor([-2.0, 0.0, 3.0])
        >>> y = F.elu_(x)
        >>> y is x, x
        (True, tensor([-0.8647,  0.0000,  3.0000]))
    """
    return elu(input, alpha, inplace=True)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """f(x) = x Phi(x), Phi the normal CDF (approximate='tanh': the tanh formula);
    f'(x) = Phi(x) + x phi(x).

    Input any shape; returns a new tensor of the same shape.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.gelu(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-0.0455,  0.0000,  2.9960])
    """
    try:
        return _act.gelu(input, approximate)
    except Exception:
        _check_tensors("gelu", ("input", input))
        raise


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """SiLU (swish): f(x) = x sigmoid(x);  f'(x) = sigmoid(x) (1 + x (1 - sigmoid(x))).

    Input any shape; returns a new tensor of the same shape.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.silu(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-0.2384,  0.0000,  2.8577])
    """
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
    """softmax(z)_j = e^{z_j} / sum_k e^{z_k} along ``dim``: each in (0, 1), summing to 1.

    Returns a tensor of the input's shape. Name ``dim`` (``dim=1`` for scores (N, C)); without
    it PyTorch's legacy choice is made, with a warning. ``dtype`` casts the input first.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.softmax(ag.tensor([[1.0, 2.0, 3.0]]), dim=1)
        tensor([[0.0900, 0.2447, 0.6652]])
    """
    if not isinstance(input, Tensor):
        _check_tensors("softmax", ("input", input))
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim)
    if dtype is not None:
        input = input.to(dtype)
    return ag.softmax(input, dim)


def log_softmax(input: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:
    """log softmax(z)_j = z_j - ln sum_k e^{z_k} along ``dim``, computed stably.

    Returns a tensor of the input's shape; name ``dim`` as for softmax.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.log_softmax(ag.tensor([[1.0, 2.0, 3.0]]), dim=1)
        tensor([[-2.4076, -1.4076, -0.4076]])
    """
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
    """Mean squared error: l_n = (x_n - y_n)^2, reduced ('mean' divides by the element count).

    Input and target of the same shape; returns a scalar (``reduction='none'``: the per-element
    losses). Shapes that differ raise ValueError; an unknown ``reduction`` raises ValueError.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.mse_loss(ag.tensor([1.0, 2.0, 3.0]), ag.tensor([1.0, 4.0, 3.0]))
        tensor(1.3333)
    """
    reduction = _reduction(size_average, reduce, reduction)
    input, target = _loss_operands("mse_loss", input, target, integer_target=True)
    return _loss.MSELoss.apply(input, target, reduction)


def l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
            reduction: str = "mean") -> Tensor:
    """Mean absolute error: l_n = |x_n - y_n|;  dl_n/dx_n = sign(x_n - y_n).

    Input and target of the same shape; returns a scalar.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.l1_loss(ag.tensor([1.0, 2.0, 3.0]), ag.tensor([1.0, 4.0, 0.0]))
        tensor(1.6667)
    """
    reduction = _reduction(size_average, reduce, reduction)
    input, target = _loss_operands("l1_loss", input, target, integer_target=True)
    loss = (input - target).abs()
    return loss if reduction == "none" else (loss.sum() if reduction == "sum" else loss.mean())


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average: Any = None, reduce: Any = None,
                         reduction: str = "mean") -> Tensor:
    """l_n = -w_n (y_n ln x_n + (1 - y_n) ln(1 - x_n)) on probabilities x; logs floored at -100.

    Input (probabilities in [0, 1]) and target of the same shape; returns a scalar. Values
    outside [0, 1] raise RuntimeError.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.binary_cross_entropy(ag.tensor([0.9, 0.2]), ag.tensor([1.0, 0.0])).round(decimals=4)
        tensor(0.1643)
    """
    reduction = _reduction(size_average, reduce, reduction)
    input, target = _loss_operands("binary_cross_entropy", input, target, mixed_floats=False)
    w = _constant("binary_cross_entropy", "weight", weight, input)
    return _loss.BCELoss.apply(input, target, w, reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average: Any = None, reduce: Any = None,
                                     reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """BCE of sigmoid(x) in one stable op:
    l_n = w_n ((1 - y_n) x_n + (1 + (p - 1) y_n) ln(1 + e^{-x_n})), p = pos_weight.

    Input (scores) and target of the same shape; returns a scalar.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.binary_cross_entropy_with_logits(ag.tensor([2.0, -1.0]), ag.tensor([1.0, 0.0]))
        tensor(0.2201)
    """
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

    Returns a scalar (``reduction='none'``: one loss per sample). A class index outside [0, C)
    raises IndexError; mismatched batch sizes raise ValueError.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> logits = ag.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 3.0]])
        >>> F.cross_entropy(logits, ag.tensor([0, 2])).round(decimals=4)
        tensor(0.1672)
        >>> F.cross_entropy(logits, ag.tensor([0, 2]), reduction='none')
        tensor([0.2395, 0.0949])
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

    Input (N, C) log-probabilities, target (N,) class indices; returns a scalar.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> log_probs = F.log_softmax(ag.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 3.0]]), dim=1)
        >>> F.nll_loss(log_probs, ag.tensor([0, 2])).round(decimals=4)
        tensor(0.1672)
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


# --- convolution and pooling -------------------------------------------------------------------
# The maths is in autograd.ops.conv (im2col + one matrix product) and autograd.ops.pooling; here
# are PyTorch's signatures, argument checks and error messages. Every op works on (N, C, H, W):
# the 1-d forms add an axis of size 1, unbatched inputs get a batch axis of size 1.

from autograd.ops import conv as _convops  # noqa: E402
from autograd.ops import pooling as _pool  # noqa: E402

__all__ += [
    "conv1d", "conv2d", "conv_transpose2d", "pad", "unfold", "fold", "max_pool1d", "max_pool2d",
    "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
    "adaptive_max_pool2d",
]


def _ntuple(value: Any, n: int, name: str) -> tuple[int, ...]:
    """An int or a sequence of n ints as a tuple of n ints (PyTorch's error otherwise)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (int(value),) * n
    values = tuple(int(v) for v in value)
    if len(values) == 1:
        return values * n
    if len(values) != n:
        raise RuntimeError(
            f"expected {name} to be a single integer value or a list of {n} values to match "
            f"the convolution dimensions, but got {name}={list(values)}"
        )
    return values


def _batched(name: str, input: Tensor, nd: int) -> tuple[Tensor, bool]:
    """``input`` with a batch axis (added for an unbatched one), and whether it was added."""
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got "
            f"input of size: {list(input.shape)}"
        )
    if input.ndim == nd + 1:
        return input.unsqueeze(0), True
    return input, False


def _spatial(sizes: tuple[int, ...]) -> str:
    return "(" + " x ".join(str(s) for s in sizes) + ")"


def _conv_checks(name: str, input: Tensor, weight: Tensor, bias: Any, groups: int, nd: int,
                 transposed: bool = False) -> None:
    if weight.ndim != nd + 2:
        raise RuntimeError(
            f"Expected {nd + 2}-dimensional weight for {nd + 2}-dimensional input "
            f"{list(input.shape)}, but got {weight.ndim}-dimensional weight of size "
            f"{list(weight.shape)} instead"
        )
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if transposed:
        if input.shape[1] != weight.shape[0]:
            raise RuntimeError(
                f"Given transposed=1, weight of size {list(weight.shape)}, expected "
                f"input{list(input.shape)} to have {weight.shape[0]} channels, but got "
                f"{input.shape[1]} channels instead"
            )
        if weight.shape[0] % groups:
            raise RuntimeError(
                f"Given groups={groups}, expected weight to be divisible by {groups} at "
                f"dimension 0, but got weight of size {list(weight.shape)} instead"
            )
        out_channels = weight.shape[1] * groups
    else:
        if weight.shape[0] % groups:
            raise RuntimeError(
                f"Given groups={groups}, expected weight to be divisible by {groups} at "
                f"dimension 0, but got weight of size {list(weight.shape)} instead"
            )
        if input.shape[1] != weight.shape[1] * groups:
            raise RuntimeError(
                f"Given groups={groups}, weight of size {list(weight.shape)}, expected "
                f"input{list(input.shape)} to have {weight.shape[1] * groups} channels, but "
                f"got {input.shape[1]} channels instead"
            )
        out_channels = weight.shape[0]
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != out_channels):
        raise RuntimeError(
            f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional with "
            f"{out_channels} elements, but got bias of size {list(bias.shape)} instead"
        )
    for other in (weight, bias):
        if other is not None and other.dtype != input.dtype:
            raise RuntimeError(
                f"expected scalar type {input.dtype} but found {other.dtype} (input and "
                f"{'weight' if other is weight else 'bias'} of {name} must have the same dtype)"
            )


def _geometry_checks(stride: tuple, dilation: tuple, padding: tuple = ()) -> None:
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")


def _conv(name: str, nd: int, input: Tensor, weight: Tensor, bias: Any, stride: Any,
          padding: Any, dilation: Any, groups: int) -> Tensor:
    """conv1d/conv2d: checks in the caller's dimensions, then the 2-d op."""
    input, unbatched = _batched(name, input, nd)
    _conv_checks(name, input, weight, bias, groups, nd)
    stride = _ntuple(stride, nd, "stride")
    dilation = _ntuple(dilation, nd, "dilation")
    kernel = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            # total d*(k-1) per axis, the odd one on the right/bottom, as PyTorch pads
            totals = [d * (k - 1) for d, k in zip(dilation, kernel)]
            pads = tuple((t // 2, t - t // 2) for t in totals)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        pads = tuple((p, p) for p in _ntuple(padding, nd, "padding"))
    _geometry_checks(stride, dilation, tuple(p for pair in pads for p in pair))
    sizes = input.shape[2:]
    padded = tuple(s + a + b for s, (a, b) in zip(sizes, pads))
    dilated = tuple(d * (k - 1) + 1 for d, k in zip(dilation, kernel))
    if any(p < k for p, k in zip(padded, dilated)):
        raise RuntimeError(
            f"Calculated padded input size per channel: {_spatial(padded)}. Kernel size: "
            f"{_spatial(dilated)}. Kernel size can't be greater than actual input size"
        )
    if nd == 1:  # a row of height 1: (N, C, L) -> (N, C, 1, L)
        input, weight = input.unsqueeze(2), weight.unsqueeze(2)
        stride, dilation, pads = (1,) + stride, (1,) + dilation, ((0, 0),) + pads
    out = _convops.Conv2d.apply(input, weight, bias, stride, pads[0] + pads[1], dilation, groups)
    if nd == 1:
        out = out.squeeze(2)
    return out.squeeze(0) if unbatched else out


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """1-d convolution (cross-correlation, as PyTorch's) of (N, C_in, L) or (C_in, L) with
    weight (C_out, C_in/groups, k): conv2d on rows of height 1.

    ``padding`` is an int, 'valid' (none) or 'same' (output as long as the input, stride 1).

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.conv1d(ag.ones(1, 1, 5), ag.ones(1, 1, 3))
        tensor([[[3., 3., 3.]]])
    """
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-d convolution (cross-correlation, as PyTorch's) of (N, C_in, H, W) or (C_in, H, W)
    with weight (C_out, C_in/groups, kh, kw) and optional bias (C_out,):

        y[n, o, i, j] = b[o] + sum_{c, a, b} w[o, c, a, b] x[n, c, i*sh + a*dh, j*sw + b*dw]

    over the channels c of o's group, x zero-padded by ``padding`` (an int, a pair,
    'valid' or 'same'). Output size per axis: floor((H + 2p - d(k-1) - 1) / s) + 1.
    Computed as im2col + one matrix product (autograd.ops.conv).

    Returns (N, C_out, H_out, W_out), H_out = floor((H + 2 padding - dilation (kh - 1) - 1) /
    stride) + 1 and W_out alike. A channel count that does not match the weight raises
    RuntimeError naming both shapes.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> x = ag.arange(16.0).reshape(1, 1, 4, 4)
        >>> w = ag.tensor([[[[1.0, 0.0], [0.0, -1.0]]]])
        >>> F.conv2d(x, w)
        tensor([[[[-5., -5., -5.],
                  [-5., -5., -5.],
                  [-5., -5., -5.]]]])
        >>> F.conv2d(ag.zeros(8, 3, 32, 32), ag.zeros(16, 3, 5, 5), stride=2, padding=2).shape
        autograd.Size([8, 16, 16, 16])
    """
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1) -> Tensor:
    """The transposed convolution ("deconvolution"): the gradient of conv2d wrt its input,
    used to upsample. weight is (C_in, C_out/groups, kh, kw). Output size per axis:
    (H - 1) s - 2p + d (k - 1) + output_padding + 1.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.conv_transpose2d(ag.ones(1, 1, 2, 2), ag.ones(1, 1, 2, 2), stride=2)
        tensor([[[[1., 1., 1., 1.],
                  [1., 1., 1., 1.],
                  [1., 1., 1., 1.],
                  [1., 1., 1., 1.]]]])
    """
    input, unbatched = _batched("conv_transpose2d", input, 2)
    _conv_checks("conv_transpose2d", input, weight, bias, groups, 2, transposed=True)
    stride = _ntuple(stride, 2, "stride")
    padding = _ntuple(padding, 2, "padding")
    output_padding = _ntuple(output_padding, 2, "output_padding")
    dilation = _ntuple(dilation, 2, "dilation")
    _geometry_checks(stride, dilation, padding)
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)) or \
            any(op < 0 for op in output_padding):
        raise RuntimeError(
            "output padding must be smaller than either stride or dilation, but got "
            f"output_padding_height: {output_padding[0]} output_padding_width: "
            f"{output_padding[1]} stride_height: {stride[0]} stride_width: {stride[1]} "
            f"dilation_height: {dilation[0]} dilation_width: {dilation[1]}"
        )
    out_hw = [(n - 1) * s - 2 * p + d * (k - 1) + op + 1 for n, s, p, d, k, op in
              zip(input.shape[2:], stride, padding, dilation, weight.shape[2:], output_padding)]
    if any(n <= 0 for n in out_hw):
        raise RuntimeError(
            f"Given input size per channel: {_spatial(tuple(input.shape[2:]))}. Calculated "
            f"output size per channel: {_spatial(tuple(out_hw))}. Output size is too small"
        )
    out = _convops.ConvTranspose2d.apply(input, weight, bias, stride, padding, output_padding,
                                      dilation, groups)
    return out.squeeze(0) if unbatched else out


_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last len(pad)/2 dimensions, PyTorch's order: (left, right) of the last one
    first, then (top, bottom) of the one before, and so on.

    'constant' adds ``value`` (0 by default; negative widths crop), 'reflect' mirrors
    without repeating the edge, 'replicate' repeats the edge, 'circular' wraps around.
    The copying modes pad at most the last 3 dimensions of a batched input.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.pad(ag.tensor([[1.0, 2.0]]), (1, 2))
        tensor([[0., 1., 2., 0., 0.]])
        >>> F.pad(ag.zeros(1, 3, 4, 4), (1, 1, 2, 2)).shape
        autograd.Size([1, 3, 8, 6])
    """
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if mode not in _PAD_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    n_dims = len(pad) // 2
    if n_dims > input.ndim:
        raise RuntimeError(
            f"Padding length should be less than or equal to two times the input dimension "
            f"but got padding length {len(pad)} and input of dimension {input.ndim}"
        )
    if mode != "constant":
        if value is not None and value != 0:
            raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
        if not (input.ndim - 1 <= n_dims + 1 <= input.ndim and n_dims <= 3):
            raise NotImplementedError(
                f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor."
            )
        if any(p < 0 for p in pad):
            raise RuntimeError(f"negative padding is not supported in mode '{mode}'")
    widths = [(0, 0)] * input.ndim
    for i in range(n_dims):  # pairs from the last dimension backwards
        widths[input.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    for axis, (before, after) in enumerate(widths):
        size = input.shape[axis]
        if mode == "reflect" and (before >= size or after >= size):
            raise RuntimeError(
                f"Argument #4: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({before}, {after}) at dimension {axis} of input "
                f"{list(input.shape)}"
            )
        if mode == "circular" and (before > size or after > size):
            raise RuntimeError(
                "Padding value causes wrapping around more than once: padding "
                f"({before}, {after}) at dimension {axis} of input {list(input.shape)}"
            )
        if mode == "replicate" and size == 0 and (before or after):
            raise RuntimeError(f"cannot replicate-pad the empty dimension {axis}")
        if before + after + size < 0:
            raise RuntimeError(
                f"The input size {size}, plus negative padding {before} and {after} resulted "
                f"in a negative output size, which is invalid. Check dimension {axis} of your "
                "input."
            )
    return _convops.Pad.apply(input, tuple(widths), mode, 0.0 if value is None else value)


def _unfold_args(kernel_size: Any, dilation: Any, padding: Any, stride: Any) -> tuple:
    kernel = _ntuple(kernel_size, 2, "kernel_size")
    dilation = _ntuple(dilation, 2, "dilation")
    padding = _ntuple(padding, 2, "padding")
    stride = _ntuple(stride, 2, "stride")
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"kernel size should be greater than zero, but got {kernel}")
    _geometry_checks(stride, dilation, padding)
    return kernel, dilation, padding, stride


def _blocks(size: tuple, kernel: tuple, dilation: tuple, padding: tuple, stride: tuple
            ) -> tuple[int, int]:
    return tuple((n + 2 * p - d * (k - 1) - 1) // s + 1
                 for n, k, d, p, s in zip(size, kernel, dilation, padding, stride))


def unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
           stride: Any = 1) -> Tensor:
    """im2col: the sliding kh x kw blocks of (N, C, H, W) (or (C, H, W)) as columns of
    ``(N, C*kh*kw, L)``, L the number of blocks; each column ordered (channel, row, column).

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> x = ag.arange(9.0).reshape(1, 1, 3, 3)
        >>> F.unfold(x, kernel_size=2)
        tensor([[[0., 1., 3., 4.],
                 [1., 2., 4., 5.],
                 [3., 4., 6., 7.],
                 [4., 5., 7., 8.]]])
    """
    if input.ndim not in (3, 4):
        raise RuntimeError(
            "Input Error: Only 3D or 4D input Tensors are supported (got "
            f"{input.ndim}D)"
        )
    kernel, dilation, padding, stride = _unfold_args(kernel_size, dilation, padding, stride)
    unbatched = input.ndim == 3
    if unbatched:
        input = input.unsqueeze(0)
    blocks = _blocks(input.shape[2:], kernel, dilation, padding, stride)
    if any(b <= 0 for b in blocks):
        raise RuntimeError(
            f"Given input with spatial size {tuple(input.shape[2:])}, kernel_size={kernel}, "
            f"dilation={dilation}, padding={padding}, calculated shape of the array of sliding "
            f"blocks as {blocks}, but its components must be at least one."
        )
    out = _convops.Unfold.apply(input, kernel, dilation, padding, stride)
    return out.squeeze(0) if unbatched else out


def fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
         stride: Any = 1) -> Tensor:
    """col2im, the adjoint of unfold: columns ``(N, C*kh*kw, L)`` (or ``(C*kh*kw, L)``) summed into
    an image (N, C, H, W) of ``output_size``; overlapping blocks add up.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> cols = F.unfold(ag.ones(1, 1, 3, 3), kernel_size=2)
        >>> F.fold(cols, output_size=(3, 3), kernel_size=2)
        tensor([[[[1., 2., 1.],
                  [2., 4., 2.],
                  [1., 2., 1.]]]])
    """
    if input.ndim not in (2, 3):
        raise RuntimeError(
            "Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported "
            f"(got {input.ndim}D)"
        )
    output_size = _ntuple(output_size, 2, "output_size")
    kernel, dilation, padding, stride = _unfold_args(kernel_size, dilation, padding, stride)
    unbatched = input.ndim == 2
    if unbatched:
        input = input.unsqueeze(0)
    kk = kernel[0] * kernel[1]
    if input.shape[1] % kk:
        raise RuntimeError(
            f"Expected size of input's dimension 1 to be divisible by the product of "
            f"kernel_size, but got input.size(1)={input.shape[1]} and kernel_size={kernel}"
        )
    blocks = _blocks(output_size, kernel, dilation, padding, stride)
    if any(b <= 0 for b in blocks) or input.shape[2] != blocks[0] * blocks[1]:
        raise RuntimeError(
            f"Given output_size={output_size}, kernel_size={kernel}, dilation={dilation}, "
            f"padding={padding}, stride={stride}, expected size of input's dimension 2 to "
            f"match the calculated number of sliding blocks {blocks[0]} * {blocks[1]} = "
            f"{blocks[0] * blocks[1]}, but got input.size(2)={input.shape[2]}."
        )
    out = _convops.Fold.apply(input, output_size, kernel, dilation, padding, stride, blocks)
    return out.squeeze(0) if unbatched else out


def _pool_input(name: str, input: Tensor, nd: int) -> tuple[Tensor, bool]:
    """(N, C, H, W) from a pooling input, and whether a batch axis was added; 1-d inputs
    get H = 1."""
    if input.ndim not in (nd + 1, nd + 2) or 0 in input.shape[-nd:]:
        raise RuntimeError(
            f"{name}: Expected {nd + 1}D or {nd + 2}D (batch mode) non-empty tensor for input, "
            f"but got input of size: {list(input.shape)}"
        )
    unbatched = input.ndim == nd + 1
    if unbatched:
        input = input.unsqueeze(0)
    if nd == 1:
        input = input.unsqueeze(2)
    return input, unbatched


def _pool_output(out: Tensor, nd: int, unbatched: bool) -> Tensor:
    if nd == 1:
        out = out.squeeze(2)
    return out.squeeze(0) if unbatched else out


def _pool_geometry(input: Tensor, nd: int, kernel_size: Any, stride: Any, padding: Any,
                   dilation: Any, ceil_mode: bool) -> tuple:
    """Kernel, stride, padding, dilation (as 2-d pairs) and the output size, checked."""
    kernel = _ntuple(kernel_size, nd, "kernel_size")
    stride = kernel if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else _ntuple(stride, nd, "stride")
    padding = _ntuple(padding, nd, "padding")
    dilation = _ntuple(dilation, nd, "dilation")
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"kernel_size must be greater than zero, but got {kernel}")
    if any(s <= 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation must be greater than zero, but got {dilation}")
    for k, p, d in zip(kernel, padding, dilation):
        if p < 0 or p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(
                f"pad should be at most half of effective kernel size, but got pad={p}, "
                f"kernel_size={k} and dilation={d}"
            )
    sizes = input.shape[2:] if nd == 2 else input.shape[3:]
    out = tuple(_pool.pool_out_size(n, k, s, p, d, ceil_mode)
                for n, k, s, p, d in zip(sizes, kernel, stride, padding, dilation))
    if any(o < 1 for o in out):
        c = input.shape[1]
        raise RuntimeError(
            f"Given input size: ({'x'.join(str(v) for v in (c, *sizes))}). Calculated output "
            f"size: ({'x'.join(str(v) for v in (c, *out))}). Output size is too small"
        )
    if nd == 1:
        return (1,) + kernel, (1,) + stride, (0,) + padding, (1,) + dilation, (1,) + out
    return kernel, stride, padding, dilation, out


def _max_pool(name: str, nd: int, input: Tensor, kernel_size: Any, stride: Any, padding: Any,
              dilation: Any, ceil_mode: bool, return_indices: bool) -> Any:
    input, unbatched = _pool_input(name, input, nd)
    kernel, stride, padding, dilation, out_hw = _pool_geometry(
        input, nd, kernel_size, stride, padding, dilation, ceil_mode)
    found: list | None = [] if return_indices else None
    out = _pool_output(_pool.MaxPool2d.apply(input, kernel, stride, padding, dilation, out_hw,
                                             found), nd, unbatched)
    if not return_indices:
        return out
    indices = _pool.flat_indices(found[0], input.shape[3], kernel, stride, padding, dilation)
    return out, _pool_output(ag.Tensor(indices), nd, unbatched)


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Max over sliding windows of (N, C, L) or (C, L); see max_pool2d.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.max_pool1d(ag.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2)
        tensor([[[3., 2.]]])
    """
    return _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """y[n, c, i, j] = max of x[n, c] over the window of (i, j): kernel_size, stride
    (default: kernel_size), -inf padding, dilation; ceil_mode rounds the output size up.

    The gradient of each window goes to its first maximum only. ``return_indices`` also
    gives each maximum's flat index into its input plane (int64), as PyTorch's.

    Returns (N, C, H_out, W_out) (and the indices with ``return_indices``).

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> x = ag.arange(16.0).reshape(1, 1, 4, 4)
        >>> F.max_pool2d(x, 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
        >>> out, idx = F.max_pool2d(x, 2, return_indices=True)
        >>> idx
        tensor([[[[ 5,  7],
                  [13, 15]]]])
    """
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def _avg_pool(name: str, nd: int, input: Tensor, kernel_size: Any, stride: Any, padding: Any,
              ceil_mode: bool, count_include_pad: bool, divisor_override: Any) -> Tensor:
    input, unbatched = _pool_input(name, input, nd)
    kernel, stride, padding, _, out_hw = _pool_geometry(
        input, nd, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None:
        if divisor_override == 0:
            raise RuntimeError("divisor must be not zero")
        divisor = float(divisor_override)
    else:
        xp = backend.get_array_module(input._array)
        divisor = _pool.avg_divisor(xp, input.shape[2:], kernel, stride, padding, out_hw,
                                    count_include_pad, input._array.dtype)
    out = _pool.AvgPool2d.apply(input, kernel, stride, padding, out_hw, divisor)
    return _pool_output(out, nd, unbatched)


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """Mean over sliding windows of (N, C, L) or (C, L); see avg_pool2d.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.avg_pool1d(ag.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2)
        tensor([[[2., 1.]]])
    """
    return _avg_pool("avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, None)


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """y[n, c, i, j] = sum of x[n, c] over the window of (i, j) / divisor, zero padding.

    The divisor is the window's size within the padded input (count_include_pad) or
    within the input itself, or ``divisor_override``.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.avg_pool2d(ag.arange(16.0).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """
    return _avg_pool("avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)


def _adaptive_sizes(name: str, input: Tensor, output_size: Any, nd: int) -> tuple[int, ...]:
    sizes = input.shape[-nd:]
    if isinstance(output_size, (int, np.integer)) or output_size is None:
        output_size = (output_size,) * nd
    output_size = tuple(output_size)
    if len(output_size) != nd:
        raise ValueError(f"{name}: output_size must be {nd} values, got {output_size}")
    out = tuple(n if o is None else int(o) for o, n in zip(output_size, sizes))
    if any(o <= 0 for o in out):
        raise RuntimeError(f"{name}: output_size must be positive, but got {output_size}")
    return out


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """Mean over ``output_size`` windows that tile (N, C, L) or (C, L): window i covers
    [floor(i L / m), ceil((i+1) L / m)).

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.adaptive_avg_pool1d(ag.tensor([[[1.0, 3.0, 2.0, 0.0, 4.0, 5.0]]]), 2)
        tensor([[[2., 3.]]])
    """
    input, unbatched = _pool_input("adaptive_avg_pool1d", input, 1)
    (m,) = _adaptive_sizes("adaptive_avg_pool1d", input, output_size, 1)
    return _pool_output(_pool.AdaptiveAvgPool2d.apply(input, (1, m)), 1, unbatched)


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Mean over the windows that tile (N, C, H, W) into ``output_size`` (an int, a pair;
    None keeps that axis): window i of m over n covers [floor(i n/m), ceil((i+1) n/m)).

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.adaptive_avg_pool2d(ag.zeros(8, 512, 7, 7), 1).shape
        autograd.Size([8, 512, 1, 1])
    """
    input, unbatched = _pool_input("adaptive_avg_pool2d", input, 2)
    out_hw = _adaptive_sizes("adaptive_avg_pool2d", input, output_size, 2)
    return _pool_output(_pool.AdaptiveAvgPool2d.apply(input, out_hw), 2, unbatched)


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max over the windows of adaptive_avg_pool2d; each window's gradient goes to its first
    maximum. ``return_indices`` also gives flat indices into the input plane (int64).

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.adaptive_max_pool2d(ag.arange(16.0).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    input, unbatched = _pool_input("adaptive_max_pool2d", input, 2)
    out_hw = _adaptive_sizes("adaptive_max_pool2d", input, output_size, 2)
    found: list | None = [] if return_indices else None
    out = _pool_output(_pool.AdaptiveMaxPool2d.apply(input, out_hw, found), 2, unbatched)
    if not return_indices:
        return out
    return out, _pool_output(ag.Tensor(found[0]), 2, unbatched)
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

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> x = ag.tensor([[1.0, 10.0], [3.0, 30.0]])
        >>> mean, var = ag.zeros(2), ag.ones(2)
        >>> F.batch_norm(x, mean, var, training=True)
        tensor([[-1.0000, -1.0000],
                [ 1.0000,  1.0000]])
        >>> mean
        tensor([0.2000, 2.0000])
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

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.layer_norm(ag.tensor([[1.0, 2.0, 3.0]]), (3,))
        tensor([[-1.2247,  0.0000,  1.2247]])
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
    channel by weight and bias.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.group_norm(ag.randn(2, 4, 3, 3), 2).shape
        autograd.Size([2, 4, 3, 3])
    """
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
        mask = (uniform._array < keep) * (1.0 / keep)
        scale = ag.as_tensor(mask.astype(input._array.dtype, copy=False))
    return _inplace.apply_(input, Tensor.__mul__, scale) if inplace else input * scale


def _check_p(p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Channel dropout for (N, C, L) or unbatched (C, L) input: each channel input[n, c] is
    zeroed as a whole with probability p, the others scaled by 1/(1-p); the identity when
    ``training`` is False.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.dropout1d(ag.ones(2, 4, 3), p=0.5).shape
        autograd.Size([2, 4, 3])
    """
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

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.dropout2d(ag.ones(2, 4, 3, 3), p=0.5).shape
        autograd.Size([2, 4, 3, 3])
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
    xp = backend.get_array_module(weight._array)
    with ag.no_grad():
        rows = xp.unique(indices.reshape(-1))
        values = weight._array[rows]
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

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> weight = ag.arange(6.0).reshape(3, 2)
        >>> F.embedding(ag.tensor([[2, 0]]), weight)
        tensor([[[4., 5.],
                 [0., 1.]]])
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
    indices = input._array
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
# --- more activations and losses ---------------------------------------------------------------

__all__ += [
    "prelu", "selu", "mish", "softsign", "hardtanh", "hardtanh_", "relu6", "smooth_l1_loss",
    "huber_loss", "kl_div", "cosine_embedding_loss", "margin_ranking_loss", "normalize",
    "cosine_similarity",
]


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """PReLU: f(x) = x for x > 0, a x otherwise, with a learned ``weight`` a (one number, or
    one per channel: dim 1 of input);  f'(x) = 1 or a, df/da = 0 or x.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.prelu(ag.tensor([-2.0, 0.0, 3.0]), ag.tensor([0.25]))
        tensor([-0.5000,  0.0000,  3.0000])
    """
    return _act.prelu(input, weight)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """SELU: f(x) = scale (max(0, x) + min(0, alpha (e^x - 1))), alpha ~ 1.6733, scale ~ 1.0507;
    f'(x) = scale for x > 0, else scale alpha e^x.

    Input any shape; returns a new tensor of the same shape.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.selu(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-1.5202,  0.0000,  3.1521])
    """
    return _inplace.apply_(input, _act.selu) if inplace else _act.selu(input)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """Mish: f(x) = x tanh(softplus(x));
    f'(x) = t + x (1 - t^2) sigmoid(x), with t = tanh(softplus(x)).

    Input any shape; returns a new tensor of the same shape.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.mish(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-0.2525,  0.0000,  2.9865])
    """
    return _inplace.apply_(input, _act.mish) if inplace else _act.mish(input)


def softsign(input: Tensor) -> Tensor:
    """Softsign: f(x) = x / (1 + |x|), in (-1, 1);  f'(x) = 1 / (1 + |x|)^2.

    Input any shape; returns a new tensor of the same shape.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.softsign(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-0.6667,  0.0000,  0.7500])
    """
    return input / (input.abs() + 1)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """HardTanh: f(x) = min(max(x, min_val), max_val);  f'(x) = 1 strictly between, else 0.

    Input any shape; returns a new tensor of the same shape.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.hardtanh(ag.tensor([-2.0, 0.0, 3.0]))
        tensor([-1.,  0.,  1.])
    """
    if inplace:
        return _inplace.apply_(input, _act.hardtanh, min_val, max_val)
    return _act.hardtanh(input, min_val, max_val)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """``hardtanh`` in place: the result is written into ``input``, which is returned.

    A leaf that requires grad cannot be modified in place (RuntimeError).

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> x = ag.tensor([-2.0, 0.0, 3.0])
        >>> y = F.hardtanh_(x)
        >>> y is x, x
        (True, tensor([-1.,  0.,  1.]))
    """
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """ReLU6: f(x) = min(max(0, x), 6), hardtanh(x, 0, 6);  f'(x) = 1 for 0 < x < 6, else 0.

    Input any shape; returns a new tensor of the same shape.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.relu6(ag.tensor([-2.0, 3.0, 8.0]))
        tensor([0., 3., 6.])
    """
    return hardtanh(input, 0.0, 6.0, inplace)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Smooth L1: l_n = (x_n - y_n)^2 / (2 beta) where |x_n - y_n| < beta, else
    |x_n - y_n| - beta / 2 (beta = 0: the L1 loss).

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.smooth_l1_loss(ag.tensor([0.5, 3.0]), ag.tensor([0.0, 0.0]))
        tensor(1.3125)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    input, target = _loss_operands("smooth_l1_loss", input, target, integer_target=True)
    return _loss.HuberLoss.apply(input, target, float(beta), False, reduction)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """Huber: l_n = (x_n - y_n)^2 / 2 where |x_n - y_n| < delta, else
    delta (|x_n - y_n| - delta / 2).

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.huber_loss(ag.tensor([0.5, 3.0]), ag.tensor([0.0, 0.0]))
        tensor(1.3125)
    """
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

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> p, q = ag.tensor([[0.5, 0.5]]), ag.tensor([[0.9, 0.1]])
        >>> F.kl_div(q.log(), p, reduction='batchmean').round(decimals=4)
        tensor(0.5108)
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
    cos over the last dim, with 1e-12 added to each squared norm (PyTorch's formula).

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> x1 = ag.tensor([[1.0, 0.0], [1.0, 0.0]])
        >>> x2 = ag.tensor([[1.0, 0.0], [0.0, 1.0]])
        >>> F.cosine_embedding_loss(x1, x2, ag.tensor([1.0, 1.0]))
        tensor(0.5000)
    """
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
    """l_n = max(0, -y_n (x1_n - x2_n) + margin), y_n = 1 (x1 should rank higher) or -1.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> x1, x2 = ag.tensor([2.0, 1.0]), ag.tensor([1.0, 1.0])
        >>> F.margin_ranking_loss(x1, x2, ag.tensor([1.0, 1.0]), margin=0.5)
        tensor(0.2500)
    """
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
    """input / max(||input||_p, eps) along ``dim``: unit vectors, as ``F.normalize``.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.normalize(ag.tensor([[3.0, 4.0]]), dim=1)
        tensor([[0.6000, 0.8000]])
    """
    if out is not None:
        raise NotImplementedError("normalize(out=...) is not supported")
    return input / input.norm(p, dim, keepdim=True).clamp_min(eps)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """sum(x1 / max(||x1||, eps) * x2 / max(||x2||, eps)) along ``dim`` (broadcasting),
    PyTorch's formula: each vector is divided by its norm first, which keeps the result in
    [-1, 1]. As there, the clamp at eps changes the value only: the gradient flows through the
    norm as if unclamped.

    Examples:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.cosine_similarity(ag.tensor([[1.0, 0.0]]), ag.tensor([[1.0, 1.0]]))
        tensor([0.7071])
    """
    norm1 = x1.norm(2, dim, keepdim=True)
    norm2 = x2.norm(2, dim, keepdim=True)
    norm1 = norm1 + (norm1.clamp_min(eps) - norm1).detach()
    norm2 = norm2 + (norm2.clamp_min(eps) - norm2).detach()
    return ((x1 / norm1) * (x2 / norm2)).sum(dim)
