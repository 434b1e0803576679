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
    """Element-wise ``input + alpha * other``, broadcasting."""
    other = operand(input, other)
    if alpha != 1:
        other = Mul.apply(other, alpha)
    return Add.apply(input, other)


def sub(input: Any, other: Any, alpha: float = 1) -> Any:
    """Element-wise ``input - alpha * other``, broadcasting."""
    other = operand(input, other)
    if alpha != 1:
        other = Mul.apply(other, alpha)
    return Sub.apply(input, other)


def mul(input: Any, other: Any) -> Any:
    """Element-wise product ``input * other``, broadcasting."""
    return Mul.apply(input, operand(input, other))


def div(input: Any, other: Any) -> Any:
    """Element-wise true division ``input / other`` (integers give the default float dtype)."""
    return Div.apply(input, operand(input, other))


def pow(input: Any, exponent: Any) -> Any:  # noqa: A001 - PyTorch's name
    """Element-wise power ``input ** exponent``."""
    return Pow.apply(input, operand(input, exponent))


def floor_divide(input: Any, other: Any) -> Any:
    """Element-wise ``input // other``, rounded down."""
    return FloorDivide.apply(input, operand(input, other))


def remainder(input: Any, other: Any) -> Any:
    """Element-wise ``input % other``, with the sign of ``other`` (Python's modulus)."""
    return Remainder.apply(input, operand(input, other))


def neg(input: Any) -> Any:
    """Element-wise ``-input``."""
    return Neg.apply(input)


def positive(input: Any) -> Any:
    """``+input``: the tensor itself."""
    return input


def square(input: Any) -> Any:
    """Element-wise ``input * input`` (PyTorch's pow(input, 2), PowBackward0)."""
    return Pow.apply(input, 2)


def lerp(input: Any, end: Any, weight: Any) -> Any:
    """input + weight (end - input): a straight line from input (weight 0) to end (weight 1)."""
    end, weight = operand(input, end), operand(input, weight)
    return Add.apply(input, Mul.apply(weight, Sub.apply(end, input)))


def addcmul(input: Any, tensor1: Any, tensor2: Any, *, value: float = 1) -> Any:
    """input + value * tensor1 * tensor2."""
    product = Mul.apply(operand(input, tensor1), operand(input, tensor2))
    return Add.apply(input, product if value == 1 else Mul.apply(product, value))


def addcdiv(input: Any, tensor1: Any, tensor2: Any, *, value: float = 1) -> Any:
    """input + value * tensor1 / tensor2."""
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
    """The angle atan2(input, other) of the point (other, input), element-wise with broadcasting."""
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
