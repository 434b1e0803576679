"""Element-wise choices: where, clamp, maximum, minimum."""

from __future__ import annotations

from typing import Any

from ..backend import get_array_module
from ..dtypes import promote_operands, result_dtype
from ..function import Op
from ..tensor import unwrap
from .arithmetic import operand


class Where(Op):
    """y = a where cond else b;  dL/da = g where cond, dL/db = g elsewhere."""
    tensor_inputs = (1, 2)

    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.save_for_backward(cond)
        xp = get_array_module(cond)
        a, b = promote_operands(a, b)
        if not (hasattr(a, "dtype") or hasattr(b, "dtype")):  # two Python numbers
            a = xp.asarray(a, dtype=result_dtype(None, 0, None, 0, a_scalar=a, b_scalar=b))
        return xp.where(cond, a, b)

    @staticmethod
    def backward(ctx, grad):
        (cond,) = ctx.saved_tensors
        xp = get_array_module(grad)
        need_a, need_b = ctx.needs_input_grad[1:]
        zero = xp.zeros_like(grad)
        return (
            None,
            xp.where(cond, grad, zero) if need_a else None,
            xp.where(cond, zero, grad) if need_b else None,
        )


class Clamp(Op):
    """y = min(max(x, lo), hi);  dy/dx = 1 where lo <= x <= hi, else 0."""
    backward_name = "ClampBackward1"
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, lo, hi):
        for bound in (lo, hi):  # an int tensor clamped to 2.5 becomes float32, as in PyTorch
            if bound is not None:
                x, _ = promote_operands(x, bound)
        ctx.lo, ctx.hi = lo, hi
        ctx.save_for_backward(x)
        return get_array_module(x).clip(x, lo, hi)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        inside = 1
        if ctx.lo is not None:
            inside = x >= ctx.lo
        if ctx.hi is not None:
            inside = inside * (x <= ctx.hi) if ctx.lo is not None else x <= ctx.hi
        return grad * inside, None, None


class ClampMin(Clamp):
    """``x.clamp_min(lo)``: Clamp, under PyTorch's name for it."""
    backward_name = "ClampMinBackward0"


class ClampMax(Clamp):
    """``x.clamp_max(hi)``: Clamp, under PyTorch's name for it."""
    backward_name = "ClampMaxBackward0"


class Maximum(Op):
    """y = max(a, b);  the gradient goes to the larger input, half to each on a tie."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        x, y = promote_operands(a, b)
        return get_array_module(x).maximum(x, y)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _split_by_winner(ctx, grad, a > b, a == b)


class Minimum(Op):
    """y = min(a, b);  the gradient goes to the smaller input, half to each on a tie."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        x, y = promote_operands(a, b)
        return get_array_module(x).minimum(x, y)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _split_by_winner(ctx, grad, a < b, a == b)


def _split_by_winner(ctx: Any, grad: Any, a_wins: Any, tie: Any) -> tuple:
    share_a = a_wins + 0.5 * tie
    need_a, need_b = ctx.needs_input_grad
    grad_a = grad * share_a if need_a else None
    grad_b = grad * (1 - share_a) if need_b else None
    return grad_a, grad_b


def where(condition: Any, input: Any, other: Any) -> Any:
    """out = input where ``condition`` is True, else ``other``, element-wise with broadcasting.

    The gradient flows to ``input`` where the condition holds and to ``other`` elsewhere.
    ``x.where(condition, y)`` is ``ag.where(condition, x, y)``.

    Raises:
        RuntimeError: ``condition`` is not a bool tensor (compare first: ``x > 0``).

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([-1.0, 2.0, -3.0])
        >>> ag.where(x > 0, x, ag.zeros(3))
        tensor([0., 2., 0.])
        >>> ag.where(x > 0, x, 0.0)
        tensor([0., 2., 0.])
    """
    cond_dtype = getattr(unwrap(condition), "dtype", None)
    if cond_dtype is None or cond_dtype.kind != "b":
        raise RuntimeError(
            f"where expected condition to be a boolean tensor, but got "
            f"{getattr(condition, 'dtype', type(condition).__name__)}; compare first, "
            "e.g. where(x > 0, ...)"
        )
    return Where.apply(condition, input, other)


def clamp(input: Any, min: Any = None, max: Any = None) -> Any:  # noqa: A002
    """y = min(max(x, min), max), each element: x limited to [min, max]; ``clip`` is the same.

    Either bound may be None (no limit on that side); bounds may be numbers or tensors that
    broadcast. The derivative is 1 inside the interval and 0 where x was clamped.

    Raises:
        RuntimeError: both bounds are None.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([-2.0, 0.5, 3.0], requires_grad=True)
        >>> y = x.clamp(-1, 1)
        >>> y
        tensor([-1.0000,  0.5000,  1.0000], grad_fn=<ClampBackward1>)
        >>> y.sum().backward()
        >>> x.grad
        tensor([0., 1., 0.])
        >>> ag.clamp(x, min=0)
        tensor([0.0000, 0.5000, 3.0000], grad_fn=<ClampBackward1>)
    """
    if min is None and max is None:
        raise RuntimeError("clamp(): at least one of 'min' or 'max' must not be None")
    if hasattr(min, "grad_fn") or hasattr(max, "grad_fn"):
        # Tensor bounds: where x touches a bound the gradient goes to x, as in PyTorch
        # (maximum/minimum would split it half and half).
        out = input
        if min is not None:
            out = where(out < min, min, out)
        if max is not None:
            out = where(out > max, max, out)
        return out
    return Clamp.apply(input, min, max)


def where_method(input: Any, condition: Any, other: Any) -> Any:
    """``x.where(condition, y)``: x where ``condition`` is True, else y; ``where(condition, x, y)``.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0, 2.0, 3.0])
        >>> x.where(x > 1.5, -1.0)
        tensor([-1.,  2.,  3.])
    """
    return Where.apply(unwrap(condition), input, operand(input, other))


def clamp_min(input: Any, min: Any) -> Any:  # noqa: A002
    """y = max(x, min), each element (``clamp(x, min=min)``).

    Examples:
        >>> import autograd as ag
        >>> ag.clamp_min(ag.tensor([-2.0, 3.0]), 0.0)
        tensor([0., 3.])
    """
    if hasattr(min, "grad_fn"):
        return clamp(input, min=min)
    return ClampMin.apply(input, min, None)


def clamp_max(input: Any, max: Any) -> Any:  # noqa: A002
    """y = min(x, max), each element (``clamp(x, max=max)``).

    Examples:
        >>> import autograd as ag
        >>> ag.clamp_max(ag.tensor([-2.0, 3.0]), 1.0)
        tensor([-2.,  1.])
    """
    if hasattr(max, "grad_fn"):
        return clamp(input, max=max)
    return ClampMax.apply(input, None, max)


def maximum(input: Any, other: Any) -> Any:
    """The larger of ``input`` and ``other``, element-wise with broadcasting; a tie splits the
    gradient in halves.

    Examples:
        >>> import autograd as ag
        >>> ag.maximum(ag.tensor([1.0, 5.0]), ag.tensor([3.0, 2.0]))
        tensor([3., 5.])
    """
    return Maximum.apply(input, operand(input, other))


def minimum(input: Any, other: Any) -> Any:
    """The smaller of ``input`` and ``other``, element-wise with broadcasting; a tie splits the
    gradient in halves.

    Examples:
        >>> import autograd as ag
        >>> ag.minimum(ag.tensor([1.0, 5.0]), ag.tensor([3.0, 2.0]))
        tensor([1., 2.])
    """
    return Minimum.apply(input, operand(input, other))


class MaskedFill(Op):
    """y = value where mask else x, in x's dtype;  dL/dx = g where not mask,
    dL/dvalue = the sum of g where mask (value is a number or a 0-d tensor)."""
    tensor_inputs = (0,)

    @staticmethod
    def forward(ctx, x, mask, value):
        xp = get_array_module(x)
        ctx.save_for_backward(mask)
        return xp.where(mask, xp.asarray(value, dtype=x.dtype), x)  # x's dtype, as PyTorch

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        xp = get_array_module(grad)
        need_x, _, need_value = ctx.needs_input_grad
        grad_x = xp.where(mask, 0.0, grad) if need_x else None
        grad_value = xp.where(mask, grad, 0.0) if need_value else None  # summed by the engine
        return grad_x, None, grad_value


def masked_fill(input: Any, mask: Any, value: Any) -> Any:
    """``input`` with ``value`` where the bool ``mask`` (broadcast against input) is True.

    The gradient reaches ``input`` only where the mask is False. Used for attention masks:
    ``scores.masked_fill(mask, float("-inf"))`` before a softmax.

    Raises:
        RuntimeError: the mask is not bool, or ``value`` is a tensor with dimensions.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> x.masked_fill(x > 2, 0.0)
        tensor([[1., 2.],
                [0., 0.]])
    """
    raw_mask = unwrap(mask)
    if getattr(raw_mask, "dtype", None) is None or raw_mask.dtype.kind != "b":
        kind = getattr(mask, "dtype", type(mask).__name__)
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{kind}")
    if getattr(value, "ndim", 0) != 0:
        raise RuntimeError(
            f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
            f"{value.ndim} dimension(s)."
        )
    if hasattr(mask, "grad_fn") and mask.device != input.device:
        raise RuntimeError(
            f"Expected all tensors to be on the same device, but found at least two devices, "
            f"{input.device} and {mask.device}! (masked_fill's mask)"
        )
    return MaskedFill.apply(input, raw_mask, value)
