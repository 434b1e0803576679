"""Loss functions as fused ops: each loss and its reduction is one node, stable for extreme inputs.

Every loss computes a per-element loss l_n and then reduces it with
``reduction``: 'none' keeps l, 'sum' gives sum_n l_n, 'mean' gives
sum_n l_n / D, where D is the number of elements, except for class-index
cross-entropy and NLL, where D is the sum of the weights of the targets
(PyTorch's definition). Formulas are PyTorch's (the lecture's BCE and CE
lack their minus sign).

Class weights, pos_weight and the one-hot coefficients of the targets are
constants: only the input (and, where PyTorch allows, the target) gets a
gradient.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .. import backend
from ..backend import get_array_module
from ..dtypes import scalar_like
from ..function import Op
from .activations import stable_sigmoid, stable_softplus
from .shape import check_in_range

REDUCTIONS = ("none", "mean", "sum")
# PyTorch's floor on x (1 - x) in BCE's gradient: 1e-12 as a float32, as its kernel has it.
_BCE_EPSILON = float(np.float32(1e-12))
_LOG_FLOOR = -100.0  # PyTorch clamps BCE's logarithms at -100, so log(0) gives a finite loss


def check_reduction(reduction: str) -> str:
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"{reduction} is not a valid value for reduction; use 'none', 'mean' or 'sum'"
        )
    return reduction


def _divide(value: Any, denominator: Any) -> Any:
    """value / denominator, where a zero denominator gives nan or inf quietly, as in PyTorch
    (the mean over no targets at all)."""
    if isinstance(denominator, (int, float)) and denominator:
        return value / denominator
    with np.errstate(invalid="ignore", divide="ignore"):
        return value / denominator


def _reduce(loss: Any, reduction: str, denominator: Any = None) -> Any:
    if reduction == "none":
        return loss
    total = loss.sum()
    if reduction == "sum":
        return total
    return _divide(total, loss.size if denominator is None else denominator)


def _grad_scale(grad: Any, reduction: str, denominator: Any) -> Any:
    """dL/dl_n for every n: grad itself ('none', 'sum') or grad / D ('mean')."""
    if reduction == "mean":
        return _divide(grad, denominator)
    return grad


def _clamped_log(xp: Any, x: Any) -> Any:
    """ln x, floored at -100 as PyTorch's BCE does (so ln 0 = -100, not -inf); arrays or Tensors."""
    positive = x > 0
    log = xp.log(xp.where(positive, x, 1.0))  # no log(0) even in the branch where() drops
    return xp.where(positive & (log > _LOG_FLOOR), log, _LOG_FLOOR)


class MSELoss(Op):
    """l_n = (x_n - y_n)^2;  dl_n/dx_n = 2 (x_n - y_n), dl_n/dy_n = -2 (x_n - y_n)."""
    backward_name = "MseLossBackward0"
    tensor_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, target, reduction):
        diff = x - target
        count = diff.size
        ctx.reduction, ctx.count = reduction, count
        # x and y, not diff: backward subtracts again (on a small batch, cheaper than the
        # bookkeeping of a third saved array; on a big one, one array less kept alive)
        ctx.save_for_backward(x, target)
        if reduction == "none":
            return diff * diff
        # sum_n (x_n - y_n)^2 in one call (a dot product), not a square and then a sum:
        # on a small batch each numpy call costs more than its arithmetic
        total = get_array_module(diff).vdot(diff, diff)
        return total if reduction == "sum" else _divide(total, count)

    @staticmethod
    def backward(ctx, grad):
        x, target = ctx.saved_tensors
        diff = x - target
        # PyTorch's rule: norm (x - y) dL/dl, norm = 2 / n for a mean (nan over no elements)
        count = ctx.count
        norm = 2.0 if ctx.reduction != "mean" else (2.0 / count if count else float("nan"))
        g = diff * scalar_like(norm, diff) * grad
        need_x, need_t, _ = ctx.needs_input_grad
        return (g if need_x else None), (-g if need_t else None), None


class BCELoss(Op):
    """Binary cross-entropy on probabilities x in [0, 1]:

    l_n = -w_n (y_n ln x_n + (1 - y_n) ln(1 - x_n)), both logs floored at -100;
    dl_n/dx_n = w_n (x_n - y_n) / max(x_n (1 - x_n), 1e-12)  (PyTorch's rule);
    dl_n/dy_n = -w_n (ln x_n - ln(1 - x_n)).
    """
    backward_name = "BinaryCrossEntropyBackward0"
    tensor_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, target, weight, reduction):
        xp = get_array_module(x)
        backend.check(  # NaN fails both comparisons too
            ~((x >= 0) & (x <= 1)).all(),
            lambda: RuntimeError(
                "all elements of input should be between 0 and 1 (binary_cross_entropy takes "
                "probabilities; for raw scores use binary_cross_entropy_with_logits)"
            ),
        )
        backend.check(  # as PyTorch: a target outside [0, 1] is a mistake, not a label
            ~((target >= 0) & (target <= 1)).all(),
            lambda: RuntimeError(
                "all elements of target should be between 0 and 1 (binary_cross_entropy takes "
                "target probabilities, e.g. 0/1 labels)"
            ),
        )
        loss = -(target * _clamped_log(xp, x) + (1 - target) * _clamped_log(xp, 1 - x))
        if weight is not None:
            loss = loss * weight
        ctx.reduction, ctx.count = reduction, loss.size
        ctx.weight = weight  # a constant (or None), kept out of the saved tensors
        ctx.save_for_backward(x, target)
        return _reduce(loss, reduction)

    @staticmethod
    def backward(ctx, grad):
        x, target = ctx.saved_tensors
        xp = get_array_module(grad)
        g = _grad_scale(grad, ctx.reduction, ctx.count)
        if ctx.weight is not None:
            g = g * ctx.weight
        need_x, need_t = ctx.needs_input_grad[:2]
        grad_x = grad_t = None
        if need_x:
            spread = x * (1 - x)
            grad_x = g * (x - target) / xp.where(spread > _BCE_EPSILON, spread, _BCE_EPSILON)
        if need_t:
            grad_t = -g * (_clamped_log(xp, x) - _clamped_log(xp, 1 - x))
        return grad_x, grad_t, None, None


class BCEWithLogitsLoss(Op):
    """Binary cross-entropy on logits x (sigmoid and BCE in one stable op), pos_weight p:

    l_n = w_n ((1 - y_n) x_n + (1 + (p - 1) y_n) softplus(-x_n)),
    softplus(-x) = ln(1 + e^{-x}) = max(-x, 0) + ln(1 + e^{-|x|}): finite for x = +-1000;
    dl_n/dx_n = w_n ((1 + (p - 1) y_n) sigmoid(x_n) - p y_n);
    dl_n/dy_n = w_n ((p - 1) softplus(-x_n) - x_n).
    """
    backward_name = "BinaryCrossEntropyWithLogitsBackward0"
    tensor_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, target, weight, pos_weight, reduction):
        softplus_neg = stable_softplus(-x)
        if pos_weight is None:
            loss = (1 - target) * x + softplus_neg
        else:
            loss = (1 - target) * x + (1 + (pos_weight - 1) * target) * softplus_neg
        if weight is not None:
            loss = loss * weight
        ctx.reduction, ctx.count = reduction, loss.size
        ctx.weight, ctx.pos_weight = weight, pos_weight  # constants (or None)
        ctx.save_for_backward(x, target)
        return _reduce(loss, reduction)

    @staticmethod
    def backward(ctx, grad):
        x, target = ctx.saved_tensors
        weight, pos_weight = ctx.weight, ctx.pos_weight
        g = _grad_scale(grad, ctx.reduction, ctx.count)
        if weight is not None:
            g = g * weight
        need_x, need_t = ctx.needs_input_grad[:2]
        grad_x = grad_t = None
        if need_x:
            if pos_weight is None:
                grad_x = g * (stable_sigmoid(x) - target)
            else:
                grad_x = g * ((1 + (pos_weight - 1) * target) * stable_sigmoid(x)
                              - pos_weight * target)
        if need_t:
            if pos_weight is None:
                grad_t = -g * x
            else:
                grad_t = g * ((pos_weight - 1) * stable_softplus(-x) - x)
        return grad_x, grad_t, None, None, None


def check_class_indices(target: Any, num_classes: int, ignore_index: int) -> Any:
    """The mask of targets that are not ``ignore_index``; an IndexError naming the first
    other target outside [0, C) (on a GPU, raised later: see backend.check)."""
    keep = target != ignore_index
    check_in_range(target, 0, num_classes, lambda first: IndexError(
        f"Target {first} is out of bounds: class indices must lie in [0, {num_classes - 1}] "
        f"for an input with {num_classes} classes (or equal ignore_index={ignore_index})"
    ), where=keep)
    return keep


class ClassTargets(NamedTuple):
    """Class-index targets of cross-entropy and NLL, prepared once by :func:`class_targets`.

    ``index`` (N, 1, d...) holds y_n, with class 0 standing in where y_n is ignore_index
    (a valid column to select; ``keep`` (N, d...) is False there). ``weight`` is w (C,)
    or None; ``w_target`` (N, d...) is w[y_n], 0 where ignored; ``q`` (N, C, d...) holds
    the coefficients Q of the loss l_n = -sum_c Q[n, c] log p[n, c] (see class_targets);
    'mean' divides by ``denominator``, the sum of w_target.
    """

    index: Any
    keep: Any
    weight: Any
    w_target: Any
    label_smoothing: float
    q: Any
    denominator: Any

    def loss(self, log_p: Any) -> Any:
        """l_n = -(1 - eps) w[y_n] log p[n, y_n] - eps/C sum_c w[c] log p[n, c], 0 where ignored.

        log p[n, y_n] is selected by indexing, not summed against a one-hot row: a masked
        class (log p = -inf) that is not the target must not give 0 * -inf = nan.
        """
        xp = get_array_module(log_p)
        picked = xp.take_along_axis(log_p, self.index, axis=1).reshape(self.keep.shape)
        picked = xp.where(self.keep, picked, 0.0)  # an ignored row selects nothing
        loss = -picked if self.weight is None else -(self.w_target * picked)
        eps = self.label_smoothing
        if eps:
            num_classes = log_p.shape[1]
            if self.weight is None:
                spread = log_p.sum(axis=1)
            else:
                shape = (1, num_classes) + (1,) * (log_p.ndim - 2)
                spread = (log_p * self.weight.reshape(shape)).sum(axis=1)
            loss = (1 - eps) * loss - (eps / num_classes) * spread
        # where, not a product with keep: an ignored row may have selected a -inf
        return xp.where(self.keep, loss, 0.0)


def class_targets(xp: Any, target: Any, num_classes: int, dtype: Any, weight: Any,
                  ignore_index: int, label_smoothing: float) -> ClassTargets:
    """The :class:`ClassTargets` of class indices ``target`` (N, d...) for C classes.

    Q[n, c] = (1 - eps) w[y_n] [c = y_n] + eps/C w[c], zero where y_n == ignore_index;
    denominator = sum over kept n of w[y_n] (their count without weights). Raises an
    IndexError naming the first target outside [0, C).
    """
    if target.dtype.kind not in "iu":
        raise TypeError(
            f"class-index targets must be an integer (long) tensor, got {target.dtype}; pass "
            "class probabilities as a float tensor of the input's shape instead"
        )
    keep = check_class_indices(target, num_classes, ignore_index)
    safe = xp.where(keep, target, 0)
    index = safe.reshape((safe.shape[0], 1) + safe.shape[1:])
    class_axis = xp.arange(num_classes).reshape((1, num_classes) + (1,) * (target.ndim - 1))
    onehot = (class_axis == index).astype(dtype)
    keep_f = keep.astype(dtype)
    w_target = keep_f if weight is None else weight[safe] * keep_f
    q = onehot * w_target.reshape(index.shape)
    if label_smoothing:
        spread_w = xp.ones(num_classes, dtype=dtype) if weight is None else weight
        spread = spread_w.reshape((1, num_classes) + (1,) * (target.ndim - 1)) / num_classes
        q = (1 - label_smoothing) * q + label_smoothing * spread * keep_f.reshape(index.shape)
    denominator = w_target.sum()
    if xp is np:  # a Python number on the host: cheaper to divide by (no sync on a GPU)
        denominator = denominator.item()
    return ClassTargets(index, keep, weight, w_target, label_smoothing, q, denominator)


def _kept(g: Any, keep: Any) -> Any:
    """g with exact zeros where the target is ignored: dL/dx of an ignored target is 0 even
    when 'mean' divides by a zero total weight (g = inf there, and inf * 0 would be nan)."""
    xp = get_array_module(g)
    return xp.where(keep.reshape(keep.shape[:1] + (1,) + keep.shape[1:]), g, 0.0)


class _LogSoftmaxStep:
    """What ``next_functions`` shows between a fused cross-entropy node and its logits:
    PyTorch computes cross_entropy as nll_loss(log_softmax(x)), two nodes, and tutorials
    walk that chain (``loss.grad_fn.next_functions[0][0]`` is LogSoftmaxBackward0). Our
    one node does both steps; this stands for the log-softmax step in the picture only
    (backward never visits it)."""

    __slots__ = ("next_functions",)

    def __init__(self, next_functions: tuple):
        self.next_functions = next_functions

    def name(self) -> str:
        return "LogSoftmaxBackward0"

    def __repr__(self) -> str:
        return "<LogSoftmaxBackward0 object>"


def _through_log_softmax(node: Any) -> tuple:
    """PyTorch's next_functions of nll_loss(log_softmax(x)) for a fused node over x."""
    logits = Op.next_functions.fget(node)[0]
    return ((_LogSoftmaxStep((logits,)) if logits[0] is not None else None, 0),)


class CrossEntropyLoss(Op):
    """Cross-entropy of logits x (N, C, d...) against targets, through a stable log-softmax:

    log p[n, c] = x[n, c] - m_n - ln sum_k e^{x[n, k] - m_n}  (m_n = max_k x[n, k]);
    l_n = -sum_c Q[n, c] log p[n, c], where Q holds the weighted (and smoothed) targets;
    dl_n/dx[n, c] = (sum_k Q[n, k]) p[n, c] - Q[n, c];
    with probability targets, dl_n/dy[n, c] = -(1 - eps) w[c] log p[n, c].
    ``classes`` (a :class:`ClassTargets`) is given for class indices (Q is its q, and the
    target's log p is selected by index); ``q`` for probabilities (as in PyTorch, a zero
    probability on a masked, -inf, logit gives 0 * -inf = nan in the loss).
    """
    backward_name = "NllLossBackward0"
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, target, q, classes, target_scale, reduction):
        xp = get_array_module(x)
        shift = x.max(axis=1, keepdims=True)
        shifted = x - shift
        log_p = shifted - xp.log(xp.exp(shifted).sum(axis=1, keepdims=True))
        if classes is None:
            loss = -(q * log_p).sum(axis=1)
            denominator = loss.size
        else:
            loss = classes.loss(log_p)
            q, denominator = classes.q, classes.denominator
        ctx.reduction, ctx.denominator = reduction, denominator
        ctx.keep = None if classes is None else classes.keep
        ctx.target_scale = target_scale
        ctx.save_for_backward(x, shift, q)
        return _reduce(loss, reduction, denominator)

    @staticmethod
    def backward(ctx, grad):
        x, shift, q = ctx.saved_tensors
        xp = get_array_module(grad)
        g = _grad_scale(grad, ctx.reduction, ctx.denominator)
        if ctx.reduction == "none":
            g = g.reshape(g.shape[:1] + (1,) + g.shape[1:])
        if ctx.keep is not None:
            g = _kept(g, ctx.keep)
        # The softmax from x itself (shift is a constant), so create_graph differentiates it.
        e = xp.exp(x - shift)
        total = e.sum(axis=1, keepdims=True)
        need_x, need_t = ctx.needs_input_grad[:2]
        grad_x = grad_t = None
        if need_x:
            grad_x = g * (q.sum(axis=1, keepdims=True) * (e / total) - q)
        if need_t:
            log_p = (x - shift) - xp.log(total)
            grad_t = -g * ctx.target_scale * log_p
        return grad_x, grad_t, None, None, None, None


class CrossEntropyIndexLoss(Op):
    """Cross-entropy of logits x (N, C) against class indices y: the default case, fused.

    No class weights, no label smoothing: the same numbers as :class:`CrossEntropyLoss`
    with Q = onehot(y), in fewer passes over the data.
    With s[n, c] = x[n, c] - m_n (m_n = max_k x[n, k]) and S_n = sum_k e^{s[n, k]}:
    l_n = ln S_n - s[n, y_n];  dl_n/dx[n, c] = p[n, c] - [c = y_n], p = e^s / S.
    ``keep`` (bool, (N,)) marks the targets that are not ignore_index, or is None when
    none is: the others get l_n = 0 and no gradient, and 'mean' divides by their count.
    """
    backward_name = "NllLossBackward0"
    tensor_inputs = (0,)
    next_functions = property(_through_log_softmax)

    @staticmethod
    def forward(ctx, x, target, reduction, keep):
        xp = get_array_module(x)
        rows = xp.arange(x.shape[0])
        if keep is not None:
            target = xp.where(keep, target, 0)  # any class: its loss is zeroed below
        shift = x.max(axis=1, keepdims=True)
        probs = x - shift  # s, then e^s, then p: one (N, C) array for all three
        loss = -probs[rows, target]  # -s[n, y_n]
        xp.exp(probs, out=probs)
        total = probs.sum(axis=1, keepdims=True)
        loss += xp.log(total).reshape(loss.shape)
        probs /= total
        denominator = loss.size
        if keep is not None:
            loss = xp.where(keep, loss, 0.0)  # not loss * keep: s[n, 0] may be -inf (0 * -inf)
            denominator = keep.sum(dtype=loss.dtype)
        ctx.reduction, ctx.target, ctx.rows = reduction, target, rows
        ctx.keep, ctx.denominator = keep, denominator
        ctx.save_for_backward(x, shift, probs)
        return _reduce(loss, reduction, denominator)

    @staticmethod
    def backward(ctx, grad):
        x, shift, probs = ctx.saved_tensors
        target, rows, keep = ctx.target, ctx.rows, ctx.keep
        g = _grad_scale(grad, ctx.reduction, ctx.denominator)
        if ctx.reduction == "none":
            g = g.reshape((-1, 1))
        if keep is not None:
            g = _kept(g, keep)  # zeros, even where all targets are ignored (g = 1/0 = inf)
        if hasattr(grad, "grad_fn"):
            # create_graph, a rule on Tensors: p from x itself, the one-hot a constant
            xp = get_array_module(grad)
            e = xp.exp(x - shift)
            onehot = get_array_module(target).zeros(tuple(x.shape), dtype=x._array.dtype)
            onehot[rows, target] = 1
            return g * (e / e.sum(axis=1, keepdims=True) - onehot), None, None, None
        grad_x = probs.copy()  # probs stays intact for a retain_graph backward
        grad_x[rows, target] -= 1
        grad_x *= g
        return grad_x, None, None, None


class NLLLoss(Op):
    """Negative log-likelihood of log-probabilities x (N, C, d...) against class indices:

    l_n = -w[y_n] x[n, y_n] = -sum_c Q[n, c] x[n, c], 0 where y_n is ignore_index;
    dl_n/dx[n, c] = -Q[n, c]. ``classes`` is a :class:`ClassTargets` (without label
    smoothing); x[n, y_n] is selected by index, so a -inf elsewhere in the row is harmless.
    """
    backward_name = "NllLossBackward0"
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, classes, reduction):
        loss = classes.loss(x)
        ctx.reduction, ctx.denominator = reduction, classes.denominator
        ctx.keep = classes.keep
        ctx.save_for_backward(classes.q)
        return _reduce(loss, reduction, classes.denominator)

    @staticmethod
    def backward(ctx, grad):
        (q,) = ctx.saved_tensors
        g = _grad_scale(grad, ctx.reduction, ctx.denominator)
        if ctx.reduction == "none":
            g = g.reshape(g.shape[:1] + (1,) + g.shape[1:])
        return -_kept(g, ctx.keep) * q, None, None


__all__ = ["MSELoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss",
           "CrossEntropyIndexLoss", "NLLLoss",
           "ClassTargets", "class_targets", "check_reduction"]


# --- more of PyTorch's losses ----------------------------------------------------------------

class HuberLoss(Op):
    """Huber and smooth L1, with d = x - y and b = delta (huber) or beta (smooth L1):

    huber:     l = d^2 / 2 where |d| < b, else b (|d| - b / 2);   dl/dx = d, else b sign(d)
    smooth L1: l = d^2 / (2b) where |d| < b, else |d| - b / 2;  dl/dx = d / b, else sign(d)

    so smooth_l1(beta) = huber(delta=beta) / beta; smooth L1 with beta = 0 is the L1 loss.
    dl/dy = -dl/dx.
    """
    tensor_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, target, b, huber, reduction):
        if not huber:
            ctx.backward_name = "SmoothL1LossBackward0"
        xp = get_array_module(x)
        d = x - target
        a = xp.abs(d)
        ctx.b, ctx.huber, ctx.reduction, ctx.count = b, huber, reduction, d.size
        ctx.save_for_backward(x, target)
        if huber:
            loss = xp.where(a < b, 0.5 * d * d, b * (a - 0.5 * b))
        elif b == 0:
            loss = a
        else:
            loss = xp.where(a < b, 0.5 * d * d / b, a - 0.5 * b)
        return _reduce(loss.astype(x.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, grad):
        x, target = ctx.saved_tensors
        xp = get_array_module(grad)
        d = x - target
        b = ctx.b
        if ctx.huber:
            slope = xp.where(xp.abs(d) < b, d, b * xp.sign(d))
        elif b == 0:
            slope = xp.sign(d)
        else:
            slope = xp.where(xp.abs(d) < b, d / b, xp.sign(d))
        g = slope * _grad_scale(grad, ctx.reduction, ctx.count)
        need_x, need_t = ctx.needs_input_grad[:2]
        return (g if need_x else None), (-g if need_t else None), None, None, None


class KLDivLoss(Op):
    """Kullback-Leibler divergence of input x (log-probabilities) from target y:

    l = y (ln y - x), 0 where y = 0;  dl/dx = -y,  dl/dy = ln y + 1 - x
    log_target (y given as ln y): l = e^y (y - x);  dl/dx = -e^y,  dl/dy = e^y (y - x + 1)

    ``denominator`` is the count the 'mean' divides by (the batch size for 'batchmean').
    """
    tensor_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, target, log_target, reduction, denominator):
        xp = get_array_module(x)
        ctx.log_target, ctx.reduction, ctx.denominator = log_target, reduction, denominator
        ctx.save_for_backward(x, target)
        if log_target:
            loss = xp.exp(target) * (target - x)
        else:
            positive = target > 0  # y ln y -> 0 as y -> 0: no log(0) evaluated
            loss = xp.where(positive, target * (xp.log(xp.where(positive, target, 1.0)) - x),
                            -target * x)
        return _reduce(loss.astype(x.dtype, copy=False), reduction, denominator)

    @staticmethod
    def backward(ctx, grad):
        x, target = ctx.saved_tensors
        xp = get_array_module(grad)
        g = _grad_scale(grad, ctx.reduction, ctx.denominator)
        need_x, need_t = ctx.needs_input_grad[:2]
        grad_x = grad_t = None
        if ctx.log_target:
            p = xp.exp(target)
            grad_x = -p * g if need_x else None
            grad_t = p * (target - x + 1) * g if need_t else None
        else:
            grad_x = -target * g if need_x else None
            if need_t:
                positive = target > 0
                grad_t = (xp.log(xp.where(positive, target, 1.0)) + 1 - x) * g
        return grad_x, grad_t, None, None, None
