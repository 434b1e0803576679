"""The table of differentiable ops that drives tests/test_ops.py.

Each row names an op and gives:

- ``fn(lib, *inputs, **params)``: the op written once over a namespace ``lib``,
  so the very same line runs on ``autograd`` and (for comparisons) on ``torch``;
- ``ref(*arrays, **params)``: a numpy reference for the forward values;
- ``case``: a hypothesis strategy of ``(shapes, params)``: the input shapes
  (for binary ops drawn with ``mutually_broadcastable_shapes``, so
  broadcasting pairs are included) and the op's other arguments (dims, ...);
- ``domain``: where the inputs are drawn, per input: away from the points where
  the op has no derivative (0 for abs and relu, ties for max, the bounds of
  clamp) or no real value (log and sqrt of negatives).

Params that are numpy arrays (a ``where`` condition, a ``gather`` index) are
turned into ``lib.tensor(...)`` before the call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

Shape = tuple[int, ...]


# --- input domains --------------------------------------------------------------------------

def _real(rng: np.random.Generator, shape: Shape) -> np.ndarray:
    return rng.uniform(-2.0, 2.0, shape)


def _positive(rng: np.random.Generator, shape: Shape) -> np.ndarray:
    return rng.uniform(0.5, 2.5, shape)


def _nonzero(rng: np.random.Generator, shape: Shape) -> np.ndarray:
    """Away from 0 (abs, relu, division): |x| in [0.2, 2]."""
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.2, 2.0, shape)


def _distinct(rng: np.random.Generator, shape: Shape) -> np.ndarray:
    """All values at least 0.1 apart: no ties for max/min."""
    n = int(np.prod(shape))
    return (rng.permutation(n) * 0.1 - n * 0.05 + 0.03).reshape(shape)


def _grid_even(rng: np.random.Generator, shape: Shape) -> np.ndarray:
    """Multiples of 0.2, offset 0: never within 0.1 of a ``_grid_odd`` value."""
    return rng.integers(-10, 10, shape) * 0.2


def _grid_odd(rng: np.random.Generator, shape: Shape) -> np.ndarray:
    return rng.integers(-10, 10, shape) * 0.2 + 0.1


def _off_bounds(rng: np.random.Generator, shape: Shape) -> np.ndarray:
    """Values in [-2, 2] at least 0.05 away from the clamp bounds -0.5 and 0.5."""
    x = rng.uniform(-2.0, 2.0, shape)
    for bound in (-0.5, 0.5):
        near = np.abs(x - bound) < 0.05
        x = np.where(near, bound + 0.1 * np.sign(x - bound + 1e-12), x)
    return x


DOMAINS: dict[str, Callable[[np.random.Generator, Shape], np.ndarray]] = {
    "real": _real,
    "positive": _positive,
    "nonzero": _nonzero,
    "distinct": _distinct,
    "grid_even": _grid_even,
    "grid_odd": _grid_odd,
    "off_bounds": _off_bounds,
}


# --- shape strategies -------------------------------------------------------------------------

def unary(min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 4,
          params: Callable[[Shape], st.SearchStrategy] | None = None) -> st.SearchStrategy:
    """One input shape, and params drawn from it."""
    shapes = hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                              max_side=max_side)
    if params is None:
        return shapes.map(lambda s: ([s], {}))
    return shapes.flatmap(lambda s: params(s).map(lambda p: ([s], p)))


def broadcasting(num_shapes: int = 2, max_dims: int = 3, max_side: int = 3,
                 params: Callable[[list[Shape]], st.SearchStrategy] | None = None
                 ) -> st.SearchStrategy:
    """Shapes that broadcast together (equal, stretched, with leading dims added)."""
    shapes = hnp.mutually_broadcastable_shapes(num_shapes=num_shapes, min_dims=0,
                                               max_dims=max_dims, max_side=max_side)
    if params is None:
        return shapes.map(lambda b: (list(b.input_shapes), {}))
    return shapes.flatmap(
        lambda b: params(list(b.input_shapes)).map(lambda p: (list(b.input_shapes), p))
    )


def matmul_shapes() -> st.SearchStrategy:
    """1-D, 2-D, batched and broadcast-batch operand pairs, from matmul's gufunc signature."""
    return hnp.mutually_broadcastable_shapes(
        signature="(n?,k),(k,m?)->(n?,m?)", max_dims=4, max_side=3
    ).map(lambda b: (list(b.input_shapes), {}))


def dims(shape: Shape, allow_none: bool = True) -> st.SearchStrategy:
    """``dim`` as PyTorch takes it: None, an int (negative too) or a tuple of ints."""
    n = len(shape)
    options = [st.none()] if allow_none else []
    if n:
        one = st.integers(-n, n - 1)
        options += [one, st.lists(one, min_size=1, max_size=n,
                                  unique_by=lambda d: d % n).map(tuple)]
    return st.one_of(*options)


def reduce_params(shape: Shape) -> st.SearchStrategy:
    return st.fixed_dictionaries({"dim": dims(shape), "keepdim": st.booleans()})


def one_dim(shape: Shape) -> st.SearchStrategy:
    return st.fixed_dictionaries({"dim": st.integers(-len(shape), len(shape) - 1)})


def _np_axes(dim: Any, ndim: int) -> Any:
    return None if dim is None else dim


def cat_case(new_axis: bool) -> st.SearchStrategy:
    """Three shapes for cat (equal but along ``dim``) or stack (all equal), and ``dim``."""

    @st.composite
    def draw(draw_: Any) -> tuple[list[Shape], dict]:
        shape = draw_(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3))
        n = len(shape) + (1 if new_axis else 0)
        dim = draw_(st.integers(-n, n - 1))
        if new_axis:
            return [shape] * 3, {"dim": dim}
        axis = dim % len(shape)
        sizes = draw_(st.lists(st.integers(1, 3), min_size=3, max_size=3))
        shapes = [shape[:axis] + (k,) + shape[axis + 1:] for k in sizes]
        return shapes, {"dim": dim}

    return draw()


def gather_case() -> st.SearchStrategy:
    @st.composite
    def draw(draw_: Any) -> tuple[list[Shape], dict]:
        shape = draw_(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
        dim = draw_(st.integers(-len(shape), len(shape) - 1))
        axis = dim % len(shape)
        index_shape = tuple(
            draw_(st.integers(1, 5)) if d == axis else draw_(st.integers(1, n))
            for d, n in enumerate(shape)
        )
        # values repeat on purpose: gather's backward must add repeated picks up
        index = draw_(hnp.arrays(np.int64, index_shape,
                                 elements=st.integers(0, shape[axis] - 1)))
        return [shape], {"dim": dim, "index": index}

    return draw()


def linear_case() -> st.SearchStrategy:
    """x of shape (in,), (n, in) or (b, n, in); W (out, in); b (out,) (or no bias)."""

    @st.composite
    def draw(draw_: Any) -> tuple[list[Shape], dict]:
        n_in, n_out = draw_(st.integers(1, 4)), draw_(st.integers(1, 3))
        lead = draw_(st.sampled_from([(), (3,), (2, 3)]))
        shapes = [lead + (n_in,), (n_out, n_in)]
        if draw_(st.booleans()):
            shapes.append((n_out,))
        return shapes, {}

    return draw()


def _linear(lib: Any) -> Callable[..., Any]:
    """F.linear of either library: autograd's fused op, or torch.nn.functional.linear."""
    if lib.__name__ == "torch":
        return lib.nn.functional.linear
    from autograd.ops.linalg import linear

    return linear


def _linear_ref(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    return x @ w.T + (0.0 if b is None else b)


def setitem_case() -> st.SearchStrategy:
    """x of shape (..., m) and a value for x[..., k] (shape (...)) or x[..., ::2]."""

    @st.composite
    def draw(draw_: Any) -> tuple[list[Shape], dict]:
        shape = draw_(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
        if draw_(st.booleans()):
            k = draw_(st.integers(-shape[-1], shape[-1] - 1))
            return [shape, shape[:-1]], {"index": (Ellipsis, k)}
        index = (Ellipsis, slice(None, None, 2))
        return [shape, np.empty(shape)[index].shape], {"index": index}

    return draw()


def _setitem(lib: Any, x: Any, v: Any, index: tuple) -> Any:
    y = x * 1  # a non-leaf: assigning into it is recorded
    y[index] = v
    return y


def _setitem_ref(x: np.ndarray, v: np.ndarray, index: tuple) -> np.ndarray:
    y = x.copy()
    y[index] = v
    return y


def where_params(shapes: list[Shape]) -> st.SearchStrategy:
    out = np.broadcast_shapes(*shapes)
    return st.fixed_dictionaries({"cond": hnp.arrays(np.bool_, out)})


def reshape_params(shape: Shape) -> st.SearchStrategy:
    size = int(np.prod(shape))
    return st.fixed_dictionaries({"shape": st.sampled_from(
        [(-1,), tuple(reversed(shape)), (1,) + tuple(shape), (size, 1), (-1, 1)]
    )})


def transpose_params(shape: Shape) -> st.SearchStrategy:
    n = len(shape)
    return st.fixed_dictionaries({"dim0": st.integers(-n, n - 1), "dim1": st.integers(-n, n - 1)})


def permute_params(shape: Shape) -> st.SearchStrategy:
    return st.fixed_dictionaries({"dims": st.permutations(range(len(shape))).map(tuple)})


def flatten_params(shape: Shape) -> st.SearchStrategy:
    n = len(shape)
    return st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).map(
        lambda p: {"start_dim": min(p), "end_dim": max(p) - n}  # end_dim negative on purpose
    )


def unsqueeze_params(shape: Shape) -> st.SearchStrategy:
    n = len(shape) + 1
    return st.fixed_dictionaries({"dim": st.integers(-n, n - 1)})


def squeeze_params(shape: Shape) -> st.SearchStrategy:
    n = len(shape)
    if n == 0:
        return st.just({"dim": None})
    return st.fixed_dictionaries({"dim": st.one_of(st.none(), st.integers(-n, n - 1))})


def expand_params(shape: Shape) -> st.SearchStrategy:
    """A leading dim of 2 added and every 1 stretched to 3 (or kept with -1)."""
    return st.lists(st.booleans(), min_size=len(shape), max_size=len(shape)).map(
        lambda keep: {"sizes": (2,) + tuple(
            -1 if k else (3 if n == 1 else n) for k, n in zip(keep, shape, strict=True))}
    )


def _expand_ref(x: np.ndarray, sizes: tuple) -> np.ndarray:
    lead = len(sizes) - x.ndim
    full = tuple(x.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
    return np.broadcast_to(x, full)


def _squeeze_ref(x: np.ndarray, dim: Any) -> np.ndarray:
    if dim is None:
        return np.squeeze(x)
    return np.squeeze(x, dim) if x.shape[dim] == 1 else x


def _flatten_ref(x: np.ndarray, start_dim: int, end_dim: int) -> np.ndarray:
    end = end_dim % x.ndim
    return x.reshape(x.shape[:start_dim] + (-1,) + x.shape[end + 1:])


def _var_ref(x: np.ndarray, dim: Any, correction: int, keepdim: bool) -> np.ndarray:
    return np.var(x, axis=dim, ddof=correction, keepdims=keepdim)


def _logsumexp_ref(x: np.ndarray, dim: Any, keepdim: bool) -> np.ndarray:
    m = np.max(x, axis=dim, keepdims=True)
    out = np.log(np.exp(x - m).sum(axis=dim, keepdims=True)) + m
    return out if keepdim else np.squeeze(out, axis=dim)


def _softmax_ref(x: np.ndarray, dim: int) -> np.ndarray:
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def _log_softmax_ref(x: np.ndarray, dim: int) -> np.ndarray:
    return np.log(_softmax_ref(x, dim))


def _gather_ref(x: np.ndarray, dim: int, index: np.ndarray) -> np.ndarray:
    """out[i, j] = x[index[i, j], j] (dim 0), by loops: independent of our own code."""
    axis = dim % x.ndim
    out = np.empty(index.shape)
    for pos in np.ndindex(*index.shape):
        src = list(pos)
        src[axis] = index[pos]
        out[pos] = x[tuple(src)]
    return out


def _var_params(shape: Shape) -> st.SearchStrategy:
    return st.fixed_dictionaries({"dim": dims(shape), "correction": st.sampled_from([0, 1]),
                                  "keepdim": st.booleans()})


@dataclass(frozen=True)
class Op:
    name: str
    fn: Callable[..., Any]
    ref: Callable[..., np.ndarray]
    case: st.SearchStrategy = field(default_factory=unary)
    domain: tuple[str, ...] = ("real",)
    torch: bool = True  # whether fn also runs on torch as written

    def __repr__(self) -> str:
        return self.name


def _sig(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


OPS: list[Op] = [
    # --- element-wise, one input ---
    Op("neg", lambda lib, x: -x, np.negative),
    Op("exp", lambda lib, x: lib.exp(x), np.exp),
    Op("log", lambda lib, x: lib.log(x), np.log, domain=("positive",)),
    Op("sqrt", lambda lib, x: x.sqrt(), np.sqrt, domain=("positive",)),
    Op("abs", lambda lib, x: lib.abs(x), np.abs, domain=("nonzero",)),
    Op("sin", lambda lib, x: lib.sin(x), np.sin),
    Op("cos", lambda lib, x: x.cos(), np.cos),
    Op("tanh", lambda lib, x: lib.tanh(x), np.tanh),
    Op("sigmoid", lambda lib, x: lib.sigmoid(x), _sig),
    Op("relu", lambda lib, x: lib.relu(x), lambda x: np.maximum(x, 0), domain=("nonzero",)),
    Op("square", lambda lib, x: x.square(), np.square),
    Op("pow_int", lambda lib, x: x**3, lambda x: x**3),
    Op("pow_neg", lambda lib, x: x**-2, lambda x: x**-2.0, domain=("nonzero",)),
    Op("pow_frac", lambda lib, x: x**0.5, np.sqrt, domain=("positive",)),
    Op("rpow", lambda lib, x: 2.0**x, lambda x: 2.0**x),
    Op("radd_scalar", lambda lib, x: 1.5 + x, lambda x: 1.5 + x),
    Op("rsub_scalar", lambda lib, x: 1.5 - x, lambda x: 1.5 - x),
    Op("rmul_scalar", lambda lib, x: 3 * x, lambda x: 3 * x),
    Op("rdiv_scalar", lambda lib, x: 2.0 / x, lambda x: 2.0 / x, domain=("nonzero",)),
    Op("div_scalar", lambda lib, x: x / 4, lambda x: x / 4),
    Op("clamp", lambda lib, x: lib.clamp(x, min=-0.5, max=0.5), lambda x: np.clip(x, -0.5, 0.5),
       domain=("off_bounds",)),
    Op("clamp_min", lambda lib, x: x.clamp(min=-0.5), lambda x: np.maximum(x, -0.5),
       domain=("off_bounds",)),
    Op("clamp_max", lambda lib, x: x.clamp(max=0.5), lambda x: np.minimum(x, 0.5),
       domain=("off_bounds",)),
    # --- element-wise, two inputs, broadcasting ---
    Op("add", lambda lib, a, b: a + b, np.add, broadcasting(), ("real", "real")),
    Op("sub", lambda lib, a, b: a - b, np.subtract, broadcasting(), ("real", "real")),
    Op("mul", lambda lib, a, b: a * b, np.multiply, broadcasting(), ("real", "real")),
    Op("div", lambda lib, a, b: a / b, np.divide, broadcasting(), ("real", "nonzero")),
    Op("pow", lambda lib, a, b: a**b, np.power, broadcasting(), ("positive", "real")),
    Op("add_alpha", lambda lib, a, b: lib.add(a, b, alpha=2.5), lambda a, b: a + 2.5 * b,
       broadcasting(), ("real", "real")),
    Op("sub_method", lambda lib, a, b: a.sub(b), np.subtract, broadcasting(), ("real", "real")),
    Op("maximum", lambda lib, a, b: lib.maximum(a, b), np.maximum, broadcasting(),
       ("grid_even", "grid_odd")),
    Op("minimum", lambda lib, a, b: lib.minimum(a, b), np.minimum, broadcasting(),
       ("grid_even", "grid_odd")),
    Op("where", lambda lib, a, b, cond: lib.where(cond, a, b),
       lambda a, b, cond: np.where(cond, a, b), broadcasting(params=where_params),
       ("real", "real")),
    Op("where_method", lambda lib, a, b, cond: a.where(cond, b),
       lambda a, b, cond: np.where(cond, a, b), broadcasting(params=where_params),
       ("real", "real")),
    Op("masked_fill", lambda lib, x, mask: x.masked_fill(mask, 0.5),
       lambda x, mask: np.where(mask, 0.5, x),
       unary(params=lambda s: st.fixed_dictionaries({"mask": hnp.arrays(np.bool_, s)}))),
    Op("setitem", _setitem, _setitem_ref, setitem_case(), ("real", "real")),
    Op("clone", lambda lib, x: x.clone(), np.copy),
    Op("matmul", lambda lib, a, b: a @ b, np.matmul, matmul_shapes(), ("real", "real")),
    Op("linear", lambda lib, x, w, b=None: _linear(lib)(x, w, b), _linear_ref, linear_case(),
       ("real", "real", "real")),
    Op("matmul_fn", lambda lib, a, b: lib.matmul(a, b), np.matmul, matmul_shapes(),
       ("real", "real")),
    # --- reductions ---
    Op("sum", lambda lib, x, dim, keepdim: x.sum(dim=dim, keepdim=keepdim),
       lambda x, dim, keepdim: np.sum(x, axis=dim, keepdims=keepdim),
       unary(params=reduce_params)),
    Op("mean", lambda lib, x, dim, keepdim: x.mean(dim=dim, keepdim=keepdim),
       lambda x, dim, keepdim: np.mean(x, axis=dim, keepdims=keepdim),
       unary(params=reduce_params)),
    Op("amax", lambda lib, x, dim, keepdim: (lib.amax(x, keepdim=keepdim) if dim is None
                                             else lib.amax(x, dim, keepdim)),
       lambda x, dim, keepdim: np.max(x, axis=dim, keepdims=keepdim),
       unary(params=reduce_params), ("distinct",)),
    Op("amin", lambda lib, x, dim, keepdim: (x.amin(keepdim=keepdim) if dim is None
                                             else x.amin(dim, keepdim)),
       lambda x, dim, keepdim: np.min(x, axis=dim, keepdims=keepdim),
       unary(params=reduce_params), ("distinct",)),
    Op("max_all", lambda lib, x: x.max(), np.max, domain=("distinct",)),
    Op("min_all", lambda lib, x: lib.min(x), np.min, domain=("distinct",)),
    Op("max_dim", lambda lib, x, dim, keepdim: x.max(dim, keepdim=keepdim).values,
       lambda x, dim, keepdim: np.max(x, axis=dim, keepdims=keepdim),
       unary(min_dims=1, params=lambda s: st.fixed_dictionaries(
           {"dim": st.integers(-len(s), len(s) - 1), "keepdim": st.booleans()})),
       ("distinct",)),
    Op("min_dim", lambda lib, x, dim, keepdim: lib.min(x, dim, keepdim).values,
       lambda x, dim, keepdim: np.min(x, axis=dim, keepdims=keepdim),
       unary(min_dims=1, params=lambda s: st.fixed_dictionaries(
           {"dim": st.integers(-len(s), len(s) - 1), "keepdim": st.booleans()})),
       ("distinct",)),
    Op("var", lambda lib, x, dim, correction, keepdim: x.var(dim, correction=correction,
                                                             keepdim=keepdim),
       _var_ref, unary(min_dims=1, min_side=2, max_side=3, params=_var_params)),
    Op("std", lambda lib, x, dim, correction, keepdim: x.std(dim, correction=correction,
                                                             keepdim=keepdim),
       lambda x, dim, correction, keepdim: np.sqrt(_var_ref(x, dim, correction, keepdim)),
       unary(min_dims=1, min_side=2, max_side=3, params=_var_params)),
    Op("norm", lambda lib, x, dim, keepdim: x.norm(2, dim=dim, keepdim=keepdim),
       lambda x, dim, keepdim: np.sqrt(np.sum(x * x, axis=dim, keepdims=keepdim)),
       unary(params=reduce_params), ("nonzero",)),
    Op("logsumexp", lambda lib, x, dim, keepdim: lib.logsumexp(x, dim=dim, keepdim=keepdim),
       _logsumexp_ref,
       unary(min_dims=1, params=lambda s: st.fixed_dictionaries(
           {"dim": dims(s, allow_none=False), "keepdim": st.booleans()}))),
    Op("softmax", lambda lib, x, dim: lib.softmax(x, dim=dim), _softmax_ref,
       unary(min_dims=1, params=one_dim)),
    Op("log_softmax", lambda lib, x, dim: x.log_softmax(dim), _log_softmax_ref,
       unary(min_dims=1, params=one_dim)),
    # --- shape ---
    Op("reshape", lambda lib, x, shape: x.reshape(shape), lambda x, shape: x.reshape(shape),
       unary(params=reshape_params)),
    Op("view", lambda lib, x, shape: x.view(*shape), lambda x, shape: x.reshape(shape),
       unary(params=reshape_params)),
    Op("transpose", lambda lib, x, dim0, dim1: x.transpose(dim0, dim1),
       lambda x, dim0, dim1: np.swapaxes(x, dim0, dim1),
       unary(min_dims=1, params=transpose_params)),
    Op("permute", lambda lib, x, dims: x.permute(*dims), lambda x, dims: np.transpose(x, dims),
       unary(min_dims=1, params=permute_params)),
    Op("T", lambda lib, x: x.t(), np.transpose, unary(max_dims=2)),
    Op("flatten", lambda lib, x, start_dim, end_dim: lib.flatten(x, start_dim, end_dim),
       _flatten_ref, unary(min_dims=1, params=flatten_params)),
    Op("unsqueeze", lambda lib, x, dim: x.unsqueeze(dim),
       lambda x, dim: np.expand_dims(x, dim % (x.ndim + 1)), unary(params=unsqueeze_params)),
    Op("squeeze", lambda lib, x, dim: x.squeeze() if dim is None else x.squeeze(dim),
       _squeeze_ref, unary(max_side=2, params=squeeze_params)),
    Op("expand", lambda lib, x, sizes: x.expand(*sizes), _expand_ref,
       unary(max_side=2, params=expand_params)),
    Op("cat", lambda lib, a, b, c, dim: lib.cat([a, b, c], dim=dim),
       lambda a, b, c, dim: np.concatenate([a, b, c], axis=dim), cat_case(False),
       ("real", "real", "real")),
    Op("stack", lambda lib, a, b, c, dim: lib.stack([a, b, c], dim=dim),
       lambda a, b, c, dim: np.stack([a, b, c], axis=dim), cat_case(True),
       ("real", "real", "real")),
    Op("gather", lambda lib, x, dim, index: lib.gather(x, dim, index),
       _gather_ref, gather_case()),
]

OPS_BY_NAME = {op.name: op for op in OPS}


def make_inputs(op: Op, shapes: list[Shape], seed: int) -> list[np.ndarray]:
    """float64 inputs for ``op`` in its domain, reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    domains = op.domain if len(op.domain) == len(shapes) else op.domain * len(shapes)
    return [np.asarray(DOMAINS[d](rng, tuple(s)), dtype=np.float64)
            for d, s in zip(domains[:len(shapes)], shapes, strict=True)]


def call(op: Op, lib: Any, tensors: list[Any], params: dict) -> Any:
    """Run ``op`` on ``lib`` (autograd or torch), array params turned into lib tensors."""
    kwargs = {k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in params.items()}
    return op.fn(lib, *tensors, **kwargs)
