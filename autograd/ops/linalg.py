"""Matrix products: matmul (1-D, 2-D, batched with broadcast batch dims) and the fused linear."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..backend import get_array_module
from ..function import Op
from .arithmetic import operand

# numpy's names read once (a read of np.X in a function is a full lookup: numpy's module
# __getattr__ keeps CPython 3.11 from caching it)
_ndarray = np.ndarray
_add_reduce = np.add.reduce

# Output size (elements) up to which ndarray.dot is used for a product of numpy matrices.
_DOT_MAX_OUTPUT = 4096


def _matmul_2d(a: Any, b: Any) -> Any:
    """a @ b for matrices. For small numpy products ndarray.dot: the same BLAS call for about
    half the overhead of ``@``, which small networks feel. Above _DOT_MAX_OUTPUT ``@``, since
    dot zero-fills its output before BLAS overwrites it: one wasted pass over the output."""
    if type(a) is _ndarray and type(b) is _ndarray and \
            len(a) * b.shape[1] <= _DOT_MAX_OUTPUT:  # len(a): a.shape[0] without the tuple
        return a.dot(b)
    return a @ b  # large products; CuPy arrays; Tensors when create_graph records backward


_MATMUL_NAMES = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (3, 3): "BmmBackward0"}


class MatMul(Op):
    """Y = A @ B;  dL/dA = G @ B^T, dL/dB = A^T @ G (batch dims are summed by the engine)."""
    backward_name = "MmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        if a.ndim == 0 or b.ndim == 0:
            raise RuntimeError(
                f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D "
                f"and {b.ndim}D"
            )
        if a.dtype != b.dtype:
            raise RuntimeError(
                f"expected both matmul operands to have the same dtype, but got {a.dtype} "
                f"and {b.dtype}"
            )
        k_a = a.shape[-1]
        k_b = b.shape[-2] if b.ndim > 1 else b.shape[0]
        if k_a != k_b:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied ({_fmt(a.shape)} and {_fmt(b.shape)})"
            )
        ctx.save_for_backward(a, b)
        ctx.backward_name = _MATMUL_NAMES.get((a.ndim, b.ndim), "MmBackward0")
        try:
            return a @ b
        except ValueError:
            raise RuntimeError(
                f"matmul: batch dimensions of {tuple(a.shape)} and {tuple(b.shape)} "
                "cannot be broadcast"
            ) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        if a.ndim == 2 and b.ndim == 2:  # the common case, kept cheap
            return (_matmul_2d(grad, b.T) if need_a else None), \
                (_matmul_2d(a.T, grad) if need_b else None)
        if a.ndim == 1 and b.ndim == 1:  # a dot product
            return (grad * b if need_a else None), (grad * a if need_b else None)
        # Promote 1-D operands to matrices, as matmul does, then drop the added axis again.
        a2 = a.reshape((1,) + a.shape) if a.ndim == 1 else a
        b2 = b.reshape(b.shape + (1,)) if b.ndim == 1 else b
        g2 = grad
        if a.ndim == 1:
            g2 = g2.reshape(g2.shape[:-1] + (1,) + g2.shape[-1:])
        if b.ndim == 1:
            g2 = g2.reshape(g2.shape + (1,))
        grad_a = grad_b = None
        if need_a:
            grad_a = g2 @ b2.swapaxes(-1, -2)
            if a.ndim == 1:
                grad_a = grad_a.reshape(grad_a.shape[:-2] + grad_a.shape[-1:])
        if need_b:
            grad_b = a2.swapaxes(-1, -2) @ g2
            if b.ndim == 1:
                grad_b = grad_b.reshape(grad_b.shape[:-1])
        return grad_a, grad_b


def _fmt(shape: tuple) -> str:
    return "x".join(str(n) for n in shape)


class Linear(Op):
    """y = x W^T + b, one node (PyTorch's F.linear);  dL/dx = G W, dL/dW = G^T x, dL/db = sum G."""
    backward_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias):
        # `is` before `!=`: the same dtype object is the usual case and the cheaper test
        if x.dtype is not weight.dtype and x.dtype != weight.dtype:
            raise RuntimeError(
                f"linear: input dtype {x.dtype} and weight dtype {weight.dtype} differ"
            )
        if bias is None:  # PyTorch: addmm(b, x, W^T) with a bias, mm(x, W^T) without
            ctx.backward_name, ctx.tensor_inputs = "MmBackward0", (0, 1)
        else:
            ctx.tensor_inputs = (2, 0, 1)
        need_x, need_w, _ = ctx.needs_input_grad  # save only what a gradient needs
        ctx.save_for_backward(x if need_w else None, weight if need_x else None)
        try:
            out = _matmul_2d(x, weight.T) if x.ndim == 2 else x @ weight.T
        except ValueError:  # the shapes are checked only when the product has failed
            if x.ndim == 0:
                raise RuntimeError("both arguments to linear need to be at least 1D, but the "
                                   "input is 0D") from None
            if x.shape[-1] == weight.shape[-1]:
                raise
            rows = x.shape[-2:] if x.ndim > 1 else x.shape
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied ({_fmt(rows)} "
                f"and {_fmt(weight.shape[::-1])}): linear layer with in_features="
                f"{weight.shape[-1]} got input of shape {tuple(x.shape)}"
            ) from None
        if bias is not None:
            try:
                if out.dtype is bias.dtype or out.dtype == bias.dtype:
                    out += bias  # in place: out is a fresh array, this saves one allocation
                else:
                    out = out + bias
            except ValueError:  # PyTorch's error type; name the bias, not x and W
                raise RuntimeError(
                    f"linear: bias of shape {tuple(bias.shape)} does not match the output "
                    f"shape {tuple(out.shape)} (out_features={weight.shape[0]})"
                ) from None
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad
        grad_x = grad_w = grad_b = None
        if need_x:
            grad_x = _matmul_2d(grad, weight) if grad.ndim == 2 else grad @ weight
        if need_w or need_b:
            g2 = grad.reshape((-1, grad.shape[-1])) if grad.ndim != 2 else grad
            if need_w:
                x2 = x.reshape((-1, x.shape[-1])) if x.ndim != 2 else x
                grad_w = _matmul_2d(g2.T, x2)
            if need_b:  # add.reduce: sum() without numpy's Python wrapper around it
                grad_b = _add_reduce(g2, 0) if type(g2) is _ndarray else g2.sum(axis=0)
        return grad_x, grad_w, grad_b


def matmul(input: Any, other: Any) -> Any:
    """The matrix product ``input @ other``: (n, k) @ (k, m) -> (n, m), sum_k a_ik b_kj.

    1-D operands act as a vector (a row on the left, a column on the right, the dimension
    then dropped: two vectors give their dot product); leading batch dimensions broadcast.
    The gradients are dL/da = g b^T and dL/db = a^T g.

    Raises:
        RuntimeError: the inner sizes do not match (the message gives both shapes).

    Examples:
        >>> import autograd as ag
        >>> a = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> b = ag.tensor([[1.0], [1.0]])
        >>> a @ b
        tensor([[3.],
                [7.]])
        >>> ag.matmul(a, ag.tensor([1.0, 0.0]))
        tensor([1., 3.])
        >>> ag.matmul(ag.ones(5, 2, 3), ag.ones(3, 4)).shape
        autograd.Size([5, 2, 4])
    """
    return MatMul.apply(input, operand(input, other))


def linear(input: Any, weight: Any, bias: Any = None) -> Any:
    """y = x W^T + b, with W of shape (out_features, in_features) and b of (out_features,).

    ``x`` is (..., in_features) and y (..., out_features); ``bias`` may be None.

    Examples:
        >>> import autograd as ag
        >>> from autograd.ops.linalg import linear
        >>> x = ag.tensor([[1.0, 2.0]])
        >>> W = ag.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        >>> linear(x, W, ag.tensor([0.0, 0.0, 10.0]))
        tensor([[ 1.,  2., 13.]])
    """
    return Linear.apply(input, weight, bias)


def _check_dims(name: str, tensors: tuple, ndim: int) -> None:
    for k, t in enumerate(tensors):
        if t.ndim != ndim:
            raise RuntimeError(
                f"{name}: expected {ndim}-D tensors, but argument {k + 1} has shape "
                f"{tuple(t.shape)}"
            )


def mm(input: Any, mat2: Any) -> Any:
    """The product of two matrices: (n, k) @ (k, m) -> (n, m), without broadcasting.

    Raises:
        RuntimeError: an operand is not 2-D, or the inner sizes differ.

    Examples:
        >>> import autograd as ag
        >>> ag.mm(ag.tensor([[1.0, 2.0]]), ag.tensor([[3.0], [4.0]]))
        tensor([[11.]])
        >>> ag.mm(ag.ones(2, 3), ag.ones(2, 3))
        Traceback (most recent call last):
            ...
        RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)
    """
    _check_dims("mm", (input, mat2), 2)
    return MatMul.apply(input, mat2)


def bmm(input: Any, mat2: Any) -> Any:
    """Batched matrix products: (b, n, k) @ (b, k, m) -> (b, n, m), without broadcasting.

    Raises:
        RuntimeError: an operand is not 3-D, or the batch or inner sizes differ.

    Examples:
        >>> import autograd as ag
        >>> ag.bmm(ag.ones(4, 2, 3), ag.ones(4, 3, 5)).shape
        autograd.Size([4, 2, 5])
    """
    _check_dims("bmm", (input, mat2), 3)
    if input.shape[0] != mat2.shape[0]:
        raise RuntimeError(
            f"bmm: batch sizes differ: {tuple(input.shape)} and {tuple(mat2.shape)}"
        )
    return MatMul.apply(input, mat2)


def dot(input: Any, tensor: Any) -> Any:
    """The dot product sum_i x_i y_i of two 1-D tensors of the same length (a 0-d tensor).

    Raises:
        RuntimeError: an operand is not 1-D, or the lengths differ.

    Examples:
        >>> import autograd as ag
        >>> ag.dot(ag.tensor([1.0, 2.0, 3.0]), ag.tensor([4.0, 5.0, 6.0]))
        tensor(32.)
    """
    _check_dims("dot", (input, tensor), 1)
    if input.shape != tensor.shape:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src "
            f"[{tensor.shape[0]}] to have the same number of elements, but got "
            f"{input.shape[0]} and {tensor.shape[0]} elements respectively"
        )
    return MatMul.apply(input, tensor)


def outer(input: Any, vec2: Any) -> Any:
    """The outer product of two 1-D tensors: the matrix M_ij = x_i y_j, of shape (n, m).

    Examples:
        >>> import autograd as ag
        >>> ag.outer(ag.tensor([1.0, 2.0]), ag.tensor([1.0, 10.0, 100.0]))
        tensor([[  1.,  10., 100.],
                [  2.,  20., 200.]])
    """
    _check_dims("outer", (input, vec2), 1)
    return input.reshape((-1, 1)) * vec2.reshape((1, -1))


class Einsum(Op):
    """y = einsum(equation, x_1, ..., x_n): products of the operands summed over the letters
    that the output lacks;  dL/dx_k = einsum of dL/dy with the other operands onto x_k's
    letters, broadcast along the letters that only x_k has (summed away at once, each of those
    entries enters y with the same weight)."""
    tensor_inputs = slice(1, None)

    @staticmethod
    def forward(ctx, equation, *xs):
        xp = get_array_module(xs[0])
        ctx.inputs, ctx.output = _parse_einsum(equation, xs)
        ctx.shapes = [x.shape for x in xs]
        ctx.diagonals = [_diagonal_mask(xp, s, x) for s, x in zip(ctx.inputs, xs)]
        ctx.save_for_backward(*xs)
        return xp.einsum(equation, *xs)

    @staticmethod
    def backward(ctx, grad):
        xs = ctx.saved_tensors
        xp = get_array_module(grad)
        grads = [None]
        for k, subs in enumerate(ctx.inputs):
            if not ctx.needs_input_grad[k + 1]:
                grads.append(None)
                continue
            sources = [ctx.output] + [s for j, s in enumerate(ctx.inputs) if j != k]
            seen = set("".join(sources))
            first = [subs.index(c) == p for p, c in enumerate(subs)]  # a letter's first place
            kept = "".join(c for c, f in zip(subs, first) if f and c in seen)
            operands = [grad] + [x for j, x in enumerate(xs) if j != k]
            g = xp.einsum(",".join(sources) + "->" + kept, *operands)
            shape = ctx.shapes[k]
            if kept != subs:  # letters only x_k has: every entry along them gets the same dL/dx
                g = xp.broadcast_to(g.reshape(tuple(
                    n if f and c in seen else 1 for c, f, n in zip(subs, first, shape))), shape)
            if ctx.diagonals[k] is not None:  # a repeated letter: only its diagonal is used
                g = g * ctx.diagonals[k]
            grads.append(g)
        return tuple(grads)


def _diagonal_mask(xp: Any, subs: str, x: Any) -> Any:
    """For subscripts with a repeated letter ('ii', 'iij'): 1 where the repeated positions'
    indices agree, else 0 (the entries einsum reads); None without repeats."""
    if len(set(subs)) == len(subs):
        return None
    shape, mask = x.shape, None
    for p, c in enumerate(subs):
        q = subs.index(c)
        if q == p:
            continue
        grid_p = xp.arange(shape[p]).reshape(tuple(-1 if d == p else 1 for d in range(len(shape))))
        grid_q = xp.arange(shape[q]).reshape(tuple(-1 if d == q else 1 for d in range(len(shape))))
        same = grid_p == grid_q
        mask = same if mask is None else mask & same
    return xp.broadcast_to(mask, shape).astype(x.dtype)


def _parse_einsum(equation: str, xs: tuple) -> tuple[list[str], str]:
    """The operands' subscripts and the output's (implicit: the letters seen once, sorted)."""
    eq = equation.replace(" ", "")
    if "." in eq:
        raise NotImplementedError("einsum(): '...' (ellipsis) is not supported; name every dim")
    lhs, arrow, out = eq.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != len(xs):
        raise ValueError(
            f"einsum(): {equation!r} has {len(inputs)} operands' subscripts but {len(xs)} "
            "operands were given"
        )
    sizes: dict[str, int] = {}
    for k, (subs, x) in enumerate(zip(inputs, xs)):
        if not subs.isalpha() and subs:
            raise ValueError(f"einsum(): subscripts must be letters, got {subs!r}")
        if len(subs) != x.ndim:
            raise RuntimeError(
                f"einsum(): the number of subscripts in {subs!r} does not match the number of "
                f"dimensions ({x.ndim}) of operand {k} (shape {tuple(x.shape)})"
            )
        for c, n in zip(subs, x.shape):
            if sizes.setdefault(c, n) != n:
                raise RuntimeError(
                    f"einsum(): subscript {c} has size {n} for operand {k} (shape "
                    f"{tuple(x.shape)}) which does not match the previously seen size {sizes[c]}"
                )
    if not arrow:
        letters = "".join(inputs)
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    return inputs, out


def einsum(equation: str, *operands: Any) -> Any:
    """Einstein summation: products of the operands, summed over the letters not in the output.

    ``einsum("ij,jk->ik", a, b)`` is a @ b; ``einsum("ii", a)`` (a letter repeated in one
    operand) is the trace; without ``->`` the output has the letters that occur once, in
    alphabetical order. The operands may also come as one list. No ``...``.

    Raises:
        ValueError: no operand is given.

    Examples:
        >>> import autograd as ag
        >>> a = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> ag.einsum("ij,jk->ik", a, a)
        tensor([[ 7., 10.],
                [15., 22.]])
        >>> ag.einsum("ii", a), ag.einsum("ij->j", a)
        (tensor(5.), tensor([4., 6.]))
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise ValueError("einsum(): must provide at least one operand")
    return Einsum.apply(equation, *operands)
