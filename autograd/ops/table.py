"""The op table: every public operation's name and the function that implements it.

One row per name says where the function goes: ``M``, a method of Tensor (``x.exp()``,
``x + y``); ``F``, a function of the package (``ag.exp(x)``); ``I``, also an in-place twin
(``x.exp_()``: ``x.exp()`` written into x, by ``ops.inplace.apply_``). A method IS the
function: a Python function set on a class receives the tensor as its first argument,
``input``, so ``x.exp()`` calls ``unary.exp(x)`` with no wrapper in between. Where
PyTorch's method and function take different arguments (``x.where(cond, y)`` and
``ag.where(cond, x, y)``), two rows name two functions.

Adding an op is one ``Op`` class in its module of ``autograd/ops/``, a function that
applies it, and its row here. Importing ``autograd`` runs :func:`install`.
"""

from __future__ import annotations

from typing import Any

from .. import creation, hooks, legacy, random
from ..grads import tensor_backward
from ..tensor import Tensor
from . import arithmetic as A
from . import inplace as IP
from . import linalg as L
from . import logical as B
from . import reduction as R
from . import select as S
from . import shape as SH
from . import sorting as O
from . import unary as U
from .namespace import tensor_namespace

M, F, I = 1, 2, 4  # a Tensor method, an ag. function, an in-place twin as well
MF = M | F

OPS: list[tuple[str, Any, int]] = [
    # --- operators --------------------------------------------------------------------------
    ("__add__", A.operator(A.Add, "__add__"), M),
    ("__radd__", A.reflected(A.Add, "__radd__"), M),
    ("__sub__", A.operator(A.Sub, "__sub__"), M),
    ("__rsub__", A.reflected(A.Sub, "__rsub__"), M),
    ("__mul__", A.operator(A.Mul, "__mul__"), M),
    ("__rmul__", A.reflected(A.Mul, "__rmul__"), M),
    ("__truediv__", A.operator(A.Div, "__truediv__"), M),
    ("__rtruediv__", A.reflected(A.Div, "__rtruediv__"), M),
    ("__floordiv__", A.operator(A.FloorDivide, "__floordiv__"), M),
    ("__rfloordiv__", A.reflected(A.FloorDivide, "__rfloordiv__"), M),
    ("__mod__", A.operator(A.Remainder, "__mod__"), M),
    ("__rmod__", A.reflected(A.Remainder, "__rmod__"), M),
    ("__pow__", A.operator(A.Pow, "__pow__"), M),
    ("__rpow__", A.reflected(A.Pow, "__rpow__"), M),
    ("__matmul__", A.operator(L.MatMul, "__matmul__"), M),
    ("__rmatmul__", A.reflected(L.MatMul, "__rmatmul__"), M),
    ("__neg__", A.neg, M),
    ("__pos__", A.positive, M),
    ("__abs__", U.abs, M),
    ("__eq__", B.eq, M),
    ("__ne__", B.ne, M),
    ("__lt__", B.lt, M),
    ("__le__", B.le, M),
    ("__gt__", B.gt, M),
    ("__ge__", B.ge, M),
    ("__invert__", B.bitwise_not, M),
    ("__and__", B.bitwise_and, M),
    ("__or__", B.bitwise_or, M),
    ("__xor__", B.bitwise_xor, M),
    ("__getitem__", SH.getitem, M),
    ("__setitem__", IP.setitem, M),
    ("__iadd__", IP.add_, M),
    ("__isub__", IP.sub_, M),
    ("__imul__", IP.mul_, M),
    ("__itruediv__", IP.div_, M),
    # --- arithmetic -------------------------------------------------------------------------
    ("add", A.add, MF),
    ("sub", A.sub, MF),
    ("mul", A.mul, MF),
    ("div", A.div, MF),
    ("floor_divide", A.floor_divide, MF),
    ("remainder", A.remainder, MF),
    ("pow", A.pow, MF),
    ("neg", A.neg, MF | I),
    ("square", A.square, MF | I),
    ("lerp", A.lerp, MF),
    ("addcmul", A.addcmul, MF),
    ("addcdiv", A.addcdiv, MF),
    ("atan2", A.atan2, MF),
    ("arctan2", A.atan2, MF),
    # --- element-wise functions -------------------------------------------------------------
    ("exp", U.exp, MF | I),
    ("exp2", U.exp2, MF),
    ("expm1", U.expm1, MF | I),
    ("log", U.log, MF | I),
    ("log1p", U.log1p, MF | I),
    ("log2", U.log2, MF | I),
    ("log10", U.log10, MF | I),
    ("sqrt", U.sqrt, MF | I),
    ("rsqrt", U.rsqrt, MF | I),
    ("reciprocal", U.reciprocal, MF | I),
    ("abs", U.abs, MF | I),
    ("sign", U.sign, MF | I),
    ("sin", U.sin, MF | I),
    ("cos", U.cos, MF | I),
    ("asin", U.asin, MF | I),
    ("acos", U.acos, MF | I),
    ("atan", U.atan, MF | I),
    ("arcsin", U.asin, MF),
    ("arccos", U.acos, MF),
    ("arctan", U.atan, MF),
    ("sinh", U.sinh, MF | I),
    ("cosh", U.cosh, MF | I),
    ("tanh", U.tanh, MF | I),
    ("sigmoid", U.sigmoid, MF | I),
    ("relu", U.relu, MF | I),
    ("erf", U.erf, MF | I),
    ("floor", U.floor, MF | I),
    ("ceil", U.ceil, MF | I),
    ("trunc", U.trunc, MF | I),
    ("round", U.round, MF),
    # --- selection --------------------------------------------------------------------------
    ("clamp", S.clamp, MF),
    ("clip", S.clamp, MF),
    ("clamp_min", S.clamp_min, MF),
    ("clamp_max", S.clamp_max, MF),
    ("maximum", S.maximum, MF),
    ("minimum", S.minimum, MF),
    ("where", S.where, F),
    ("where", S.where_method, M),
    ("masked_fill", S.masked_fill, MF),
    # --- reductions -------------------------------------------------------------------------
    ("sum", R.sum, MF),
    ("mean", R.mean, MF),
    ("prod", R.prod, MF),
    ("cumsum", R.cumsum, MF),
    ("amax", R.amax, MF),
    ("amin", R.amin, MF),
    ("var", R.var, MF),
    ("std", R.std, MF),
    ("var_mean", R.var_mean, F),
    ("norm", R.norm, MF),
    ("logsumexp", R.logsumexp, MF),
    ("softmax", R.softmax, MF),
    ("log_softmax", R.log_softmax, MF),
    # --- order statistics -------------------------------------------------------------------
    ("max", O.max, MF),
    ("min", O.min, MF),
    ("argmax", O.argmax, MF),
    ("argmin", O.argmin, MF),
    ("sort", O.sort, MF),
    ("argsort", O.argsort, MF),
    ("topk", O.topk, MF),
    ("median", O.median, MF),
    ("unique", O.unique, MF),
    # --- comparisons and tests (no gradient) ------------------------------------------------
    ("eq", B.eq, M),
    ("ne", B.ne, M),
    ("lt", B.lt, M),
    ("le", B.le, M),
    ("gt", B.gt, M),
    ("ge", B.ge, M),
    ("logical_not", B.logical_not, M),
    ("all", B.all, MF),
    ("any", B.any, MF),
    ("isnan", B.isnan, MF),
    ("isfinite", B.isfinite, MF),
    ("allclose", B.allclose, MF),
    ("equal", B.equal, MF),
    ("count_nonzero", B.count_nonzero, MF),
    ("is_tensor", B.is_tensor, F),
    ("numel", Tensor.numel, F),
    # --- products ---------------------------------------------------------------------------
    ("matmul", L.matmul, MF),
    ("mm", L.mm, MF),
    ("bmm", L.bmm, MF),
    ("dot", L.dot, MF),
    ("outer", L.outer, MF),
    ("einsum", L.einsum, F),
    # --- shape ------------------------------------------------------------------------------
    ("reshape", SH.reshape, MF),
    ("view", SH.view, M),
    ("view_as", SH.view_as, M),
    ("reshape_as", SH.view_as, M),
    ("expand", SH.expand, MF),
    ("expand_as", SH.expand_as, M),
    ("permute", SH.permute, MF),
    ("transpose", SH.transpose, MF),
    ("swapaxes", SH.transpose, MF),
    ("swapdims", SH.transpose, MF),
    ("movedim", SH.movedim, MF),
    ("moveaxis", SH.movedim, MF),
    ("t", SH.t, M),
    ("T", property(SH.reversed_dims), M),
    ("mT", property(SH.matrix_transpose), M),
    ("flatten", SH.flatten, MF),
    ("squeeze", SH.squeeze, MF),
    ("unsqueeze", SH.unsqueeze, MF),
    ("flip", SH.flip, MF),
    ("roll", SH.roll, MF),
    ("repeat", SH.repeat, M),
    ("tile", SH.tile, MF),
    ("narrow", SH.narrow, MF),
    ("select", SH.select, MF),
    ("diagonal", SH.diagonal, MF),
    ("split", SH.split, MF),
    ("chunk", SH.chunk, MF),
    ("unbind", SH.unbind, MF),
    ("cat", SH.cat, F),
    ("concat", SH.cat, F),
    ("concatenate", SH.cat, F),
    ("stack", SH.stack, F),
    ("gather", SH.gather, MF),
    ("scatter", SH.scatter, MF),
    ("index_select", SH.index_select, MF),
    ("index_add", SH.index_add, MF),
    ("masked_select", SH.masked_select, MF),
    ("tril", SH.tril, MF),
    ("triu", SH.triu, MF),
    ("diag", SH.diag, MF),
    ("unfold", SH.unfold, M),
    # --- conversions and copies -------------------------------------------------------------
    ("to", SH.to, M),
    ("cpu", SH.cpu, M),
    ("cuda", SH.cuda, M),
    ("float", SH.to_float32, M),
    ("double", SH.to_float64, M),
    ("half", SH.to_float16, M),
    ("long", SH.to_int64, M),
    ("int", SH.to_int32, M),
    ("bool", SH.to_bool, M),
    ("type_as", SH.type_as, M),
    ("type", legacy.tensor_type, M),
    ("clone", SH.clone, MF),
    ("contiguous", SH.contiguous, M),
    ("detach", Tensor.detach, F),
    ("new_zeros", creation.new_zeros, M),
    ("new_ones", creation.new_ones, M),
    ("new_empty", creation.new_empty, M),
    ("new_full", creation.new_full, M),
    ("new_tensor", creation.new_tensor, M),
    # --- in place ---------------------------------------------------------------------------
    ("add_", IP.add_, M),
    ("sub_", IP.sub_, M),
    ("mul_", IP.mul_, M),
    ("div_", IP.div_, M),
    ("zero_", IP.zero_, M),
    ("fill_", IP.fill_, M),
    ("copy_", IP.copy_, M),
    ("clamp_", IP.clamp_, M),
    ("clamp_min_", IP.clamp_min_, M),
    ("clamp_max_", IP.clamp_max_, M),
    ("pow_", IP.pow_, M),
    ("index_add_", IP.index_add_, M),
    ("masked_fill_", IP.masked_fill_, M),
    ("scatter_", IP.scatter_, M),
    ("uniform_", random.uniform_, M),
    ("normal_", random.normal_, M),
    # --- gradients --------------------------------------------------------------------------
    ("backward", tensor_backward, M),
    ("register_hook", hooks.register_hook, M),
    ("_array_namespace", staticmethod(tensor_namespace), M),  # the xp of create_graph rules
]

# The in-place twins, as in PyTorch: x.relu_() is x.relu() written into x.
IN_PLACE_TWINS = tuple(name for name, _, where in OPS if where & I)

# What ``import autograd`` exports: ag.exp, ag.sum, ag.cat, ...
FUNCTIONS = {name: fn for name, fn, where in OPS if where & F}


def install() -> None:
    """Set every method of the table on Tensor, and each in-place twin."""
    for name, fn, where in OPS:
        if where & M:
            setattr(Tensor, name, fn)
        if where & I:
            setattr(Tensor, name + "_", IP.in_place_twin(fn, name + "_"))


install()
