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

import math
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


def _unit(rng: np.random.Generator, shape: Shape) -> np.ndarray:
    """Inside (-1, 1), away from the ends where asin and acos have no derivative."""
    return rng.uniform(-0.9, 0.9, shape)


def _off_steps(rng: np.random.Generator, shape: Shape) -> np.ndarray:
    """At least 0.15 away from every integer and half-integer: floor, ceil, round and trunc
    are flat there, so finite differences see their zero derivative."""
    return rng.integers(-3, 3, shape) + rng.choice([0.2, 0.3, 0.7, 0.8], shape)


DOMAINS: dict[str, Callable[[np.random.Generator, Shape], np.ndarray]] = {
    "real": _real,
    "positive": _positive,
    "nonzero": _nonzero,
    "distinct": _distinct,
    "grid_even": _grid_even,
    "grid_odd": _grid_odd,
    "off_bounds": _off_bounds,
    "unit": _unit,
    "off_steps": _off_steps,
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


def flip_params(shape: Shape) -> st.SearchStrategy:
    n = len(shape)
    return st.fixed_dictionaries({"dims": st.lists(st.integers(-n, n - 1), min_size=1, max_size=n,
                                                   unique_by=lambda d: d % n).map(tuple)})


def roll_params(shape: Shape) -> st.SearchStrategy:
    """Shifts along some dims (negative and larger than the size too), or of the flattened x."""
    n = len(shape)
    along = st.lists(st.integers(-n, n - 1), min_size=1, max_size=n,
                     unique_by=lambda d: d % n).flatmap(lambda ds: st.fixed_dictionaries({
                         "shifts": st.lists(st.integers(-5, 5), min_size=len(ds),
                                            max_size=len(ds)).map(tuple),
                         "dims": st.just(tuple(ds))}))
    flat = st.fixed_dictionaries({"shifts": st.integers(-5, 5), "dims": st.none()})
    return st.one_of(along, flat)


def split_params(shape: Shape) -> st.SearchStrategy:
    """A piece size, or a list of sizes summing to the dim's size (zeros included)."""
    n = len(shape)

    @st.composite
    def draw(draw_: Any) -> dict:
        dim = draw_(st.integers(-n, n - 1))
        size = shape[dim]
        if draw_(st.booleans()):
            return {"split": draw_(st.integers(1, size + 1)), "dim": dim}
        cuts = sorted(draw_(st.lists(st.integers(0, size), max_size=3)))
        edges = [0, *cuts, size]
        return {"split": [hi - lo for lo, hi in zip(edges[:-1], edges[1:])], "dim": dim}

    return draw()


def _split(lib: Any, x: Any, split: Any, dim: int) -> Any:
    """The pieces scaled by 1, 2, 3, ... and joined again: each piece's gradient differs."""
    return lib.cat([p * (k + 1) for k, p in enumerate(x.split(split, dim))], dim)


def _split_ref(x: np.ndarray, split: Any, dim: int) -> np.ndarray:
    size = x.shape[dim]
    sizes = [min(split, size - lo) for lo in range(0, size, split)] if isinstance(split, int) \
        else split
    bounds = np.cumsum(sizes)[:-1]
    return np.concatenate([p * (k + 1) for k, p in enumerate(np.split(x, bounds, dim))], dim)


def chunk_params(shape: Shape) -> st.SearchStrategy:
    n = len(shape)
    return st.fixed_dictionaries({"chunks": st.integers(1, 5), "dim": st.integers(-n, n - 1)})


def _chunk_ref(x: np.ndarray, chunks: int, dim: int) -> np.ndarray:
    size = x.shape[dim]
    return _split_ref(x, max(-(-size // chunks), 1), dim)


def _unbind(lib: Any, x: Any, dim: int) -> Any:
    return lib.stack([p * (k + 1) for k, p in enumerate(x.unbind(dim))], dim)


def _unbind_ref(x: np.ndarray, dim: int) -> np.ndarray:
    scale = np.arange(1, x.shape[dim] + 1).reshape([-1 if d == dim % x.ndim else 1
                                                     for d in range(x.ndim)])
    return x * scale


def narrow_params(shape: Shape) -> st.SearchStrategy:
    n = len(shape)

    @st.composite
    def draw(draw_: Any) -> dict:
        dim = draw_(st.integers(-n, n - 1))
        start = draw_(st.integers(0, shape[dim] - 1))
        return {"dim": dim, "start": start, "length": draw_(st.integers(0, shape[dim] - start))}

    return draw()


def _narrow_ref(x: np.ndarray, dim: int, start: int, length: int) -> np.ndarray:
    return np.moveaxis(np.moveaxis(x, dim, 0)[start:start + length], 0, dim)


def repeat_params(shape: Shape) -> st.SearchStrategy:
    lead = st.lists(st.integers(1, 2), min_size=0 if shape else 1, max_size=2)
    own = st.lists(st.integers(1, 3), min_size=len(shape), max_size=len(shape))
    return st.tuples(lead, own).map(lambda p: {"sizes": tuple(p[0] + p[1])})


def tile_params(shape: Shape) -> st.SearchStrategy:
    return st.lists(st.integers(1, 3), max_size=len(shape) + 1).map(
        lambda d: {"dims": tuple(d)})


def index_select_params(shape: Shape) -> st.SearchStrategy:
    n = len(shape)
    return st.integers(-n, n - 1).flatmap(lambda dim: st.fixed_dictionaries({
        "dim": st.just(dim),
        "index": hnp.arrays(np.int64, st.integers(1, 5),
                            elements=st.integers(0, shape[dim] - 1))}))


def _index_select_ref(x: np.ndarray, dim: int, index: np.ndarray) -> np.ndarray:
    return np.take(x, index, axis=dim)


def masked_select_params(shape: Shape) -> st.SearchStrategy:
    """A mask of x's shape, or one that broadcasts with it (trailing dims)."""
    k = st.integers(0, len(shape))
    return k.flatmap(lambda k: st.fixed_dictionaries(
        {"mask": hnp.arrays(np.bool_, tuple(shape[k:]))}))


def _masked_select_ref(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    shape = np.broadcast_shapes(x.shape, mask.shape)
    return np.broadcast_to(x, shape)[np.broadcast_to(mask, shape)]


def sort_params(shape: Shape) -> st.SearchStrategy:
    n = len(shape)
    return st.fixed_dictionaries({"dim": st.integers(-n, n - 1), "descending": st.booleans()})


def _sort_ref(x: np.ndarray, dim: int, descending: bool) -> np.ndarray:
    out = np.sort(x, axis=dim)
    return np.flip(out, dim) if descending else out


def topk_params(shape: Shape) -> st.SearchStrategy:
    n = len(shape)
    return st.integers(-n, n - 1).flatmap(lambda dim: st.fixed_dictionaries({
        "k": st.integers(0, shape[dim]), "dim": st.just(dim), "largest": st.booleans()}))


def _topk_ref(x: np.ndarray, k: int, dim: int, largest: bool) -> np.ndarray:
    out = _sort_ref(x, dim, largest)
    return np.moveaxis(np.moveaxis(out, dim, 0)[:k], 0, dim)


def _prod(lib: Any, x: Any, dim: Any, keepdim: bool) -> Any:
    return x.prod() if dim is None else lib.prod(x, dim, keepdim=keepdim)


def _prod_ref(x: np.ndarray, dim: Any, keepdim: bool) -> np.ndarray:
    return np.prod(x, axis=dim, keepdims=keepdim and dim is not None)


def prod_params(shape: Shape) -> st.SearchStrategy:
    n = len(shape)
    dim = st.one_of(st.none(), st.integers(-n, n - 1)) if n else st.none()
    return st.fixed_dictionaries({"dim": dim, "keepdim": st.booleans()})


def _roll_ref(x: np.ndarray, shifts: Any, dims: Any) -> np.ndarray:
    return np.roll(x, shifts, dims)


def bmm_shapes() -> st.SearchStrategy:
    return st.tuples(*(st.integers(1, 3) for _ in range(4))).map(
        lambda s: ([(s[0], s[1], s[2]), (s[0], s[2], s[3])], {}))


def mm_shapes() -> st.SearchStrategy:
    return st.tuples(*(st.integers(1, 4) for _ in range(3))).map(
        lambda s: ([(s[0], s[1]), (s[1], s[2])], {}))


def vector_pair(same: bool) -> st.SearchStrategy:
    return st.tuples(st.integers(1, 5), st.integers(1, 5)).map(
        lambda s: ([(s[0],), (s[0] if same else s[1],)], {}))


def einsum_case() -> st.SearchStrategy:
    """An equation (explicit or implicit output, 1 to 3 operands) and matching shapes."""

    @st.composite
    def draw(draw_: Any) -> tuple[list[Shape], dict]:
        b, i, j, k, m = (draw_(st.integers(1, 3)) for _ in range(5))
        equation, shapes = draw_(st.sampled_from([
            ("ij,jk->ik", [(i, j), (j, k)]), ("i,i->", [(i,), (i,)]),
            ("bij,bjk->bik", [(b, i, j), (b, j, k)]), ("ij->j", [(i, j)]),
            ("ij->ji", [(i, j)]), ("ij,jk", [(i, j), (j, k)]), ("i,j->ij", [(i,), (j,)]),
            ("ij,jk,km->im", [(i, j), (j, k), (k, m)]), ("bi,bj->b", [(b, i), (b, j)]),
            ("ii->", [(i, i)]), ("ii->i", [(i, i)]), ("iij,jk->ik", [(i, i, j), (j, k)]),
        ]))
        return shapes, {"equation": equation}

    return draw()


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
    # --- more element-wise functions ---
    Op("log1p", lambda lib, x: lib.log1p(x), np.log1p, domain=("positive",)),
    Op("expm1", lambda lib, x: x.expm1(), np.expm1),
    Op("log2", lambda lib, x: lib.log2(x), np.log2, domain=("positive",)),
    Op("log10", lambda lib, x: x.log10(), np.log10, domain=("positive",)),
    Op("rsqrt", lambda lib, x: lib.rsqrt(x), lambda x: 1 / np.sqrt(x), domain=("positive",)),
    Op("reciprocal", lambda lib, x: x.reciprocal(), np.reciprocal, domain=("nonzero",)),
    Op("erf", lambda lib, x: lib.erf(x),
       lambda x: np.vectorize(math.erf, otypes=[np.float64])(x)),
    Op("atan", lambda lib, x: lib.atan(x), np.arctan),
    Op("arctan", lambda lib, x: x.arctan(), np.arctan),
    Op("asin", lambda lib, x: lib.asin(x), np.arcsin, domain=("unit",)),
    Op("acos", lambda lib, x: x.acos(), np.arccos, domain=("unit",)),
    Op("sinh", lambda lib, x: lib.sinh(x), np.sinh),
    Op("cosh", lambda lib, x: x.cosh(), np.cosh),
    Op("floor", lambda lib, x: lib.floor(x), np.floor, domain=("off_steps",)),
    Op("ceil", lambda lib, x: x.ceil(), np.ceil, domain=("off_steps",)),
    Op("round", lambda lib, x: lib.round(x), np.round, domain=("off_steps",)),
    Op("trunc", lambda lib, x: x.trunc(), np.trunc, domain=("off_steps",)),
    Op("clamp_min_fn", lambda lib, x: lib.clamp_min(x, -0.5), lambda x: np.maximum(x, -0.5),
       domain=("off_bounds",)),
    Op("clamp_max_method", lambda lib, x: x.clamp_max(0.5), lambda x: np.minimum(x, 0.5),
       domain=("off_bounds",)),
    Op("lerp", lambda lib, a, b, w: lib.lerp(a, b, w), lambda a, b, w: a + w * (b - a),
       broadcasting(3), ("real", "real", "real")),
    Op("lerp_scalar", lambda lib, a, b: a.lerp(b, 0.3), lambda a, b: a + 0.3 * (b - a),
       broadcasting(), ("real", "real")),
    Op("addcmul", lambda lib, x, a, b: lib.addcmul(x, a, b, value=0.5),
       lambda x, a, b: x + 0.5 * a * b, broadcasting(3), ("real", "real", "real")),
    Op("addcdiv", lambda lib, x, a, b: x.addcdiv(a, b, value=-2),
       lambda x, a, b: x - 2 * a / b, broadcasting(3), ("real", "real", "nonzero")),
    # --- more reductions, scans, products ---
    Op("prod", _prod, _prod_ref, unary(params=prod_params), ("nonzero",)),
    Op("cumsum", lambda lib, x, dim: lib.cumsum(x, dim=dim),
       lambda x, dim: np.cumsum(x, axis=dim), unary(min_dims=1, params=one_dim)),
    Op("mm", lambda lib, a, b: lib.mm(a, b), np.matmul, mm_shapes(), ("real", "real")),
    Op("bmm", lambda lib, a, b: a.bmm(b), np.matmul, bmm_shapes(), ("real", "real")),
    Op("dot", lambda lib, a, b: lib.dot(a, b), np.dot, vector_pair(True), ("real", "real")),
    Op("outer", lambda lib, a, b: a.outer(b), np.outer, vector_pair(False), ("real", "real")),
    Op("einsum", lambda lib, *xs, equation: lib.einsum(equation, *xs),
       lambda *xs, equation: np.einsum(equation, *xs), einsum_case()),
    # --- more shape ops ---
    Op("flip", lambda lib, x, dims: x.flip(dims), lambda x, dims: np.flip(x, dims),
       unary(min_dims=1, params=flip_params)),
    Op("roll", lambda lib, x, shifts, dims: lib.roll(x, shifts, dims), _roll_ref,
       unary(min_dims=1, params=roll_params)),
    Op("split", _split, _split_ref, unary(min_dims=1, params=split_params)),
    Op("chunk", lambda lib, x, chunks, dim: lib.cat(
        [p * (k + 1) for k, p in enumerate(lib.chunk(x, chunks, dim))], dim),
       _chunk_ref, unary(min_dims=1, params=chunk_params)),
    Op("unbind", _unbind, _unbind_ref, unary(min_dims=1, params=one_dim)),
    Op("narrow", lambda lib, x, dim, start, length: x.narrow(dim, start, length), _narrow_ref,
       unary(min_dims=1, params=narrow_params)),
    Op("repeat", lambda lib, x, sizes: x.repeat(*sizes),
       lambda x, sizes: np.tile(x, sizes), unary(max_side=3, params=repeat_params)),
    Op("tile", lambda lib, x, dims: lib.tile(x, dims), lambda x, dims: np.tile(x, dims),
       unary(max_side=3, params=tile_params)),
    Op("index_select", lambda lib, x, dim, index: lib.index_select(x, dim, index),
       _index_select_ref, unary(min_dims=1, params=index_select_params)),
    Op("masked_select", lambda lib, x, mask: x.masked_select(mask), _masked_select_ref,
       unary(params=masked_select_params)),
    Op("sort", lambda lib, x, dim, descending: lib.sort(x, dim, descending=descending).values,
       _sort_ref, unary(min_dims=1, params=sort_params), ("distinct",)),
    Op("topk", lambda lib, x, k, dim, largest: x.topk(k, dim, largest=largest).values,
       _topk_ref, unary(min_dims=1, params=topk_params), ("distinct",)),
    Op("reshape_kw", lambda lib, x, shape: x.reshape(shape=shape),
       lambda x, shape: x.reshape(shape), unary(params=reshape_params)),
    Op("view_tuple", lambda lib, x, shape: x.view(shape), lambda x, shape: x.reshape(shape),
       unary(params=reshape_params)),
    Op("permute_kw", lambda lib, x, dims: x.permute(dims=dims),
       lambda x, dims: np.transpose(x, dims), unary(min_dims=1, params=permute_params)),
    Op("expand_kw", lambda lib, x, sizes: x.expand(size=sizes), _expand_ref,
       unary(max_side=2, params=expand_params)),
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
