"""Arithmetic: + - * / ** and negation, with PyTorch's dtype promotion.

Every binary op casts its operands with :func:`promote_operands` (the one
place for dtype rules) and saves the inputs it was given: the engine sums a
gradient back to a broadcast input's shape and casts it to the input's dtype,
so no op handles broadcasting or dtypes in backward.

Below the ops: :func:`operand`, what a binary op accepts as its other operand, the
functions the op table makes both ``ag.add`` and ``Tensor.add``, and the operators
(``x + y``, ``2 * x``, ``x ** 2``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import backend
from ..backend import get_array_module
from ..dtypes import default_float, promote_operands
from ..function import Op
from ..tensor import Tensor

_BOOL = np.dtype(np.bool_)


class Add(Op):
    """f(a, b) = a + b;  df/da = 1, df/db = 1."""

    @staticmethod
    def forward(ctx, a, b):
        a, b = promote_operands(a, b)
        return a + b

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


class Sub(Op):
    """f(a, b) = a - b;  df/da = 1, df/db = -1."""

    @staticmethod
    def forward(ctx, a, b):
        if (getattr(a, "dtype", None) is _BOOL or getattr(b, "dtype", None) is _BOOL
                or a.__class__ is bool or b.__class__ is bool):  # numpy would subtract 0/1
            raise RuntimeError(
                "Subtraction, the `-` operator, with a bool tensor is not supported. If you "
                "are trying to invert a mask, use the `~` or `logical_not()` operator instead."
            )
        if not hasattr(a, "dtype"):  # 2 - x: PyTorch's rsub(x, 2), which lists x alone
            ctx.backward_name, ctx.tensor_inputs = "RsubBackward1", (1,)
        a, b = promote_operands(a, b)
        return a - b

    @staticmethod
    def backward(ctx, grad):
        return grad, (-grad if ctx.needs_input_grad[1] else None)


class Mul(Op):
    """f(a, b) = a * b;  df/da = b, df/db = a."""

    @staticmethod
    def forward(ctx, a, b):
        need_a, need_b = ctx.needs_input_grad  # save only what a gradient needs
        ctx.save_for_backward(a if need_b else None, b if need_a else None)
        a, b = promote_operands(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad * b if need_a else None), (grad * a if need_b else None)


class Div(Op):
    """f(a, b) = a / b;  df/da = 1/b, df/db = -a/b^2. Integers divide to the default float."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        x, y = promote_operands(a, b)
        out = x / y
        if not (_is_float(x) or _is_float(y)):
            out = out.astype(default_float())
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad / b if need_a else None
        grad_b = -grad * a / (b * b) if need_b else None
        return grad_a, grad_b


class Pow(Op):
    """f(a, b) = a ** b;  df/da = b a^(b-1), df/db = a^b ln a."""

    @staticmethod
    def forward(ctx, a, b):
        x, y = promote_operands(a, b)
        try:
            out = x**y
        except ValueError as e:  # integers to negative integer powers: PyTorch's type
            raise RuntimeError(str(e)) from None
        if hasattr(b, "dtype"):
            ctx.save_for_backward(a, b, out)
            if hasattr(a, "dtype"):  # PyTorch: pow(Tensor, Tensor), pow(Scalar, Tensor)
                ctx.backward_name = "PowBackward1"
            else:
                ctx.backward_name, ctx.tensor_inputs = "PowBackward2", (1,)
        else:  # a Python number: keep it as a number, not as a saved array
            ctx.exponent = b
            ctx.tensor_inputs = (0,)  # pow(Tensor, Scalar) lists the tensor alone
            ctx.save_for_backward(a)
        return out

    @staticmethod
    def backward(ctx, grad):
        need_a, need_b = ctx.needs_input_grad
        if len(ctx.saved_tensors) == 1:
            (a,) = ctx.saved_tensors
            p = ctx.exponent
            return (grad * (p * a ** (p - 1)) if p != 0 else grad * 0), None
        a, b, out = ctx.saved_tensors
        grad_a = None
        if need_a:  # b a^(b-1), and 0 where b == 0 (0 ** -1 would make it NaN at a = 0)
            grad_a = grad * get_array_module(grad).where(b == 0, 0, b * a ** (b - 1))
        grad_b = None
        if need_b:
            xp = get_array_module(grad)
            # d(a^b)/db = a^b ln a; PyTorch gives 0 where a == 0.
            if hasattr(a, "shape"):
                log_a = xp.log(xp.where(a == 0, 1, a))
            else:  # a Python number (2 ** x): its log is a number, on no device
                log_a = math.log(a) if a > 0 else (0.0 if a == 0 else math.nan)
            grad_b = grad * out * log_a
        return grad_a, grad_b


class FloorDivide(Op):
    """f(a, b) = floor(a / b), as ``torch.floor_divide`` (and ``//``); PyTorch defines no
    derivative, so backward raises as PyTorch's does."""

    @staticmethod
    def forward(ctx, a, b):
        x, y = promote_operands(a, b)
        xp = get_array_module(x if hasattr(x, "dtype") else y)
        if not (_is_float(x) or _is_float(y)) and bool((xp.asarray(y) == 0).any()):
            raise RuntimeError("ZeroDivisionError: integer floor division by zero")
        return xp.floor_divide(x, y)

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for floor_divide is not implemented")


class Remainder(Op):
    """f(a, b) = a - floor(a / b) b, with the sign of b (``torch.remainder``, Python's ``%``);
    df/da = 1, df/db = -floor(a / b)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        if hasattr(b, "dtype"):  # PyTorch: remainder(Tensor, Tensor), remainder(Tensor, Scalar)
            ctx.backward_name = "RemainderBackward1"
        else:
            ctx.tensor_inputs = (0,)
        x, y = promote_operands(a, b)
        xp = get_array_module(x if hasattr(x, "dtype") else y)
        if not (_is_float(x) or _is_float(y)) and bool((xp.asarray(y) == 0).any()):
            raise RuntimeError("ZeroDivisionError: integer remainder by zero")
        out = xp.remainder(x, y)
        if out.dtype.kind == "f":
            out += 0.0  # numpy's -0.0 where b < 0 divides a: PyTorch prints 0.
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_b = None
        if need_b:
            floor = a // b
            if hasattr(floor, "detach"):  # a recorded backward: floor has slope 0
                floor = floor.detach()
            grad_b = -grad * floor
        return (grad if need_a else None), grad_b


def _is_float(v: Any) -> bool:
    dtype = getattr(v, "dtype", None)
    return dtype.kind == "f" if dtype is not None else isinstance(v, float)


class Neg(Op):
    """f(x) = -x;  df/dx = -1."""

    @staticmethod
    def forward(ctx, x):
        try:
            return -x
        except TypeError:  # numpy's words for a bool array; PyTorch's type and words
            raise RuntimeError(
                "Negation, the `-` operator, on a bool tensor is not supported. If you are "
                "trying to invert a mask, use the `~` or `logical_not()` operator instead."
            ) from None

    @staticmethod
    def backward(ctx, grad):
        return -grad


# --- operands ---------------------------------------------------------------------------

def check_same_device(a: Any, b: Any) -> None:
    """PyTorch's error for two Tensors on different devices in one op."""
    if a.device != b.device:
        raise RuntimeError(
            f"Expected all tensors to be on the same device, but found at least two devices, "
            f"{a.device} and {b.device}!"
        )


def operand(input: Any, other: Any) -> Any:
    """The other operand of a binary op: a Tensor on input's device, a Python number, or an
    array (made a Tensor on input's device). Lists are refused, as in PyTorch."""
    if isinstance(other, Tensor):
        if isinstance(input, Tensor) and type(other._array) is not type(input._array):
            check_same_device(input, other)
        return other
    if isinstance(other, (int, float, bool, np.generic)):
        return other
    if isinstance(other, (list, tuple)):
        raise TypeError(
            f"unsupported operand: a {type(other).__name__}; wrap it with ag.tensor(...) first"
        )
    if hasattr(other, "shape") and hasattr(other, "dtype"):
        return Tensor(backend.asarray(other, device=getattr(input, "device", None)))
    raise TypeError(f"unsupported operand type for a Tensor: {type(other).__name__}")


# --- the functions (ag.add and Tensor.add alike) -----------------------------------------

def add(input: Any, other: Any, alpha: float = 1) -> Any:
    """out = input + alpha * other, element-wise; ``x + y`` is ``ag.add(x, y)``.

    The shapes broadcast: sizes are matched from the last dimension, and a size 1 (or a
    missing dimension) stretches to the other's size. The gradient of each input is the
    output's gradient summed back to that input's shape. ``other`` may be a Tensor or a
    number (a list raises TypeError).

    Raises:
        RuntimeError: the shapes cannot be broadcast together.

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> x + ag.tensor([10.0, 20.0])
        tensor([[11., 22.],
                [13., 24.]])
        >>> ag.add(x, 1, alpha=0.5)
        tensor([[1.5000, 2.5000],
                [3.5000, 4.5000]])
    """
    other = operand(input, other)
    if alpha != 1:
        other = Mul.apply(other, alpha)
    return Add.apply(input, other)


def sub(input: Any, other: Any, alpha: float = 1) -> Any:
    """out = input - alpha * other, element-wise with broadcasting; ``x - y`` is ``ag.sub(x, y)``.

    Raises:
        RuntimeError: the shapes cannot be broadcast together.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([5.0, 7.0]) - ag.tensor([1.0, 2.0])
        tensor([4., 5.])
        >>> ag.sub(ag.tensor([5.0, 7.0]), 1, alpha=2)
        tensor([3., 5.])
    """
    other = operand(input, other)
    if alpha != 1:
        other = Mul.apply(other, alpha)
    return Sub.apply(input, other)


def mul(input: Any, other: Any) -> Any:
    """out = input * other, element-wise with broadcasting (the Hadamard product); ``x * y``.

    d out / d input = other and d out / d other = input, each summed back to its input's shape.
    For the matrix product use :func:`matmul` (``x @ y``).

    Raises:
        RuntimeError: the shapes cannot be broadcast together.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([[1.0, 2.0], [3.0, 4.0]]) * ag.tensor([10.0, 100.0])
        tensor([[ 10., 200.],
                [ 30., 400.]])
        >>> ag.mul(ag.tensor([1, 2]), 3)
        tensor([3, 6])
    """
    return Mul.apply(input, operand(input, other))


def div(input: Any, other: Any) -> Any:
    """out = input / other, element-wise with broadcasting; ``x / y``.

    Integers give the default float dtype (true division); dividing by 0 gives inf or nan,
    no error. d out / d input = 1 / other, d out / d other = -input / other^2.

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([1.0, 2.0, 3.0]) / 2
        tensor([0.5000, 1.0000, 1.5000])
        >>> ag.div(ag.tensor([1, 2]), ag.tensor([4, 4]))
        tensor([0.2500, 0.5000])
    """
    return Div.apply(input, operand(input, other))


def pow(input: Any, exponent: Any) -> Any:  # noqa: A001 - PyTorch's name
    """out = input ^ exponent, element-wise with broadcasting; ``x ** p``.

    d out / d input = exponent * input^(exponent - 1); a Tensor exponent also gets
    d out / d exponent = out * ln(input).

    Examples:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> y = x ** 2
        >>> y
        tensor([1., 4., 9.], grad_fn=<PowBackward0>)
        >>> y.sum().backward()
        >>> x.grad
        tensor([2., 4., 6.])
        >>> ag.pow(2, ag.tensor([0.0, 1.0, 3.0]))
        tensor([1., 2., 8.])
    """
    return Pow.apply(input, operand(input, exponent))


def floor_divide(input: Any, other: Any) -> Any:
    """out = floor(input / other), element-wise with broadcasting; ``x // y`` (gradient 0).

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([7, -7]) // 2
        tensor([ 3, -4])
    """
    return FloorDivide.apply(input, operand(input, other))


def remainder(input: Any, other: Any) -> Any:
    """out = input - floor(input / other) * other, element-wise; ``x % y`` (sign of ``other``).

    Examples:
        >>> import autograd as ag
        >>> ag.tensor([7, -7]) % 3
        tensor([1, 2])
    """
    return Remainder.apply(input, operand(input, other))


def neg(input: Any) -> Any:
    """out = -input, element-wise; ``-x``.

    Examples:
        >>> import autograd as ag
        >>> -ag.tensor([1.0, -2.0])
        tensor([-1.,  2.])
    """
    return Neg.apply(input)


def positive(input: Any) -> Any:
    """``+input``: the tensor itself."""
    return input


def square(input: Any) -> Any:
    """out = input^2, element-wise; its derivative is 2 input.

    Examples:
        >>> import autograd as ag
        >>> ag.square(ag.tensor([-2.0, 3.0]))
        tensor([4., 9.])
    """
    return Pow.apply(input, 2)


def lerp(input: Any, end: Any, weight: Any) -> Any:
    """out = input + weight (end - input): from ``input`` (weight 0) straight to ``end`` (weight 1).

    Examples:
        >>> import autograd as ag
        >>> ag.lerp(ag.tensor([0.0, 10.0]), ag.tensor([1.0, 20.0]), 0.25)
        tensor([ 0.2500, 12.5000])
    """
    end, weight = operand(input, end), operand(input, weight)
    return Add.apply(input, Mul.apply(weight, Sub.apply(end, input)))


def addcmul(input: Any, tensor1: Any, tensor2: Any, *, value: float = 1) -> Any:
    """out = input + value * tensor1 * tensor2, element-wise with broadcasting.

    Examples:
        >>> import autograd as ag
        >>> ag.addcmul(ag.ones(2), ag.tensor([1.0, 2.0]), ag.tensor([3.0, 4.0]), value=0.5)
        tensor([2.5000, 5.0000])
    """
    product = Mul.apply(operand(input, tensor1), operand(input, tensor2))
    return Add.apply(input, product if value == 1 else Mul.apply(product, value))


def addcdiv(input: Any, tensor1: Any, tensor2: Any, *, value: float = 1) -> Any:
    """out = input + value * tensor1 / tensor2, element-wise with broadcasting.

    Examples:
        >>> import autograd as ag
        >>> ag.addcdiv(ag.ones(2), ag.tensor([1.0, 2.0]), ag.tensor([4.0, 4.0]), value=2)
        tensor([1.5000, 2.0000])
    """
    quotient = Div.apply(operand(input, tensor1), operand(input, tensor2))
    return Add.apply(input, quotient if value == 1 else Mul.apply(quotient, value))


class Atan2(Op):
    """f(y, x) = atan2(y, x), the angle of the point (x, y), in (-pi, pi];
    df/dy = x / (x^2 + y^2),  df/dx = -y / (x^2 + y^2).

    Integer inputs give the default float dtype, as in PyTorch.
    """

    @staticmethod
    def forward(ctx, y, x):
        y, x = promote_operands(y, x)
        like = y if hasattr(y, "dtype") else x
        xp = get_array_module(like)
        dtype = like.dtype if like.dtype.kind == "f" else default_float()  # ints give floats
        y, x = xp.asarray(y, dtype=dtype), xp.asarray(x, dtype=dtype)
        ctx.save_for_backward(y, x)
        return xp.arctan2(y, x)

    @staticmethod
    def backward(ctx, grad):
        y, x = ctx.saved_tensors
        need_y, need_x = ctx.needs_input_grad
        scale = grad / (x * x + y * y)
        return (scale * x if need_y else None), (-scale * y if need_x else None)


def atan2(input: Any, other: Any) -> Any:
    """The angle of the point (other, input) in radians, in (-pi, pi], element-wise.

    Unlike atan(input / other) it knows the quadrant. d/d input = other / (input^2 + other^2),
    d/d other = -input / (input^2 + other^2).

    Examples:
        >>> import autograd as ag
        >>> ag.atan2(ag.tensor([1.0, 1.0]), ag.tensor([1.0, -1.0]))
        tensor([0.7854, 2.3562])
    """
    return Atan2.apply(input, operand(input, other))


# --- operators: x + y, 2 * x, ... (Tensor methods) ---------------------------------------

def operator(op: type, name: str) -> Any:
    """The Tensor method ``name`` (``__add__``): ``op.apply(self, other)``."""

    def method(self: Tensor, other: Any) -> Tensor:
        return op.apply(self, operand(self, other))

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``x.{name}(y)``: {op.__name__} of x and y, element-wise, broadcasting."
    return method


def reflected(op: type, name: str) -> Any:
    """The Tensor method ``name`` (``__radd__``, for ``2 + x``): ``op.apply(other, self)``;
    for + and *, which commute, ``op.apply(self, other)``, as PyTorch records them."""
    if op is Add or op is Mul:
        return operator(op, name)

    def method(self: Tensor, other: Any) -> Tensor:
        return op.apply(operand(self, other), self)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``x.{name}(y)``: {op.__name__} of y and x, element-wise, broadcasting."
    return method
