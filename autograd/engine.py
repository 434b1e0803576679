"""The reverse-mode pass: topological order, gradient flow, graph release.

No recursion anywhere: a chain of 100,000 ops goes backward. The order comes
from each node's creation number (an op's inputs always exist before it), so
sorting the reachable nodes by it, newest first, is a topological order;
:func:`topological_order` gives it for drawing (``autograd.viz``), and backward
walks the same order with a heap keyed by that number, which holds only the
nodes waiting for their gradient (a chain of 100,000 ops: one or two). Each
node's saved arrays are freed as soon as its backward rule has used them,
unless ``retain_graph=True``.

Gradients flow in a dict keyed by node and are dropped once used; only leaves
(and tensors that called ``retain_grad()``) keep ``.grad``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from heapq import heapify, heappop, heappush
from operator import attrgetter
from typing import Any

import numpy as np

from . import function as _function
from . import hooks as _hooks
from .backend import device_of, get_array_module
from .dtypes import NUMPY_FLOAT32 as _float32
from .function import FREED, Function, check_versions
from .grad_mode import any_thread, count_mode, set_thread_grad_enabled, state

__all__ = ["topological_order", "run_backward", "grad", "unbroadcast"]

_by_sequence = attrgetter("_seq")
_new = object.__new__
_NOT_PENDING = object()
# numpy's own names, read once: numpy's module __getattr__ makes each np.X read in a
# function a full lookup (about 300 instructions in CPython 3.11), not a cached one.
_ndarray = np.ndarray
_array = np.array
_ONE_FLOAT32 = np.array(1, np.float32)  # copied: each backward gets a seed of its own
_ONE_FLOAT32.flags.writeable = False


def topological_order(roots: Iterable[Function]) -> list[Function]:
    """Every node reachable from ``roots``, each before the nodes it consumes."""
    seen: set[Function] = set()  # nodes hash by identity
    nodes: list[Function] = []
    stack = [r for r in roots if r is not None]
    push, mark, keep = stack.append, seen.add, nodes.append
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        mark(node)
        keep(node)
        for edge in node.next_functions:
            if edge is not None and edge not in seen and isinstance(edge, Function):
                push(edge)
    nodes.sort(key=_by_sequence, reverse=True)  # nearly sorted already: linear time
    return nodes


def unbroadcast(grad: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``grad`` over the axes that broadcasting added or stretched, back to ``shape``.

    The one place where broadcasting is undone: no op handles it itself.
    """
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    if lead < 0:
        raise RuntimeError(f"gradient of shape {tuple(grad.shape)} cannot be reduced to {shape}")
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1
    )
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    if lead:
        grad = grad.reshape(shape)
    return grad


def run_backward(
    tensors: Sequence[Any],
    grad_tensors: Sequence[Any],
    retain_graph: bool,
    create_graph: bool,
    inputs: Sequence[Any] | None = None,
) -> list[Any] | None:
    """Backpropagate from ``tensors``; accumulate into leaves, or return the grads of ``inputs``."""
    Tensor = _function._tensor_cls
    grads: dict[Function, Any] = {}
    roots = []
    leaf_roots = []
    for k, (t, g) in enumerate(zip(tensors, grad_tensors)):
        g = _root_gradient(k, t, g, create_graph, Tensor)
        node = t.grad_fn
        if node is None:
            leaf_roots.append((t, g))
        else:
            grads[node] = g if node not in grads else grads[node] + g
            roots.append(node)

    # A plain backward() accumulates into .grad, inline below (the common case, and
    # what a small network's step time is made of); autograd.grad and create_graph
    # go through a _Collector.
    collect = None if inputs is None and not create_graph else _Collector(inputs, create_graph)
    handed: set[int] = set()  # arrays already given to a .grad: copy before sharing them
    # Tensor hooks (autograd.hooks), looked for only once any was registered: a leaf with
    # hooks collects its gradient here and gets it, through its hooks, after the pass.
    hooked = _hooks.any_hooks
    hooked_leaves: dict[Any, Any] = {}
    for t, g in leaf_roots:
        if hooked and _hooks.hooks_of_leaf(t) is not None:
            hooked_leaves[t] = g
        elif collect is None:
            _accumulate(t, g, g, handed)
        else:
            collect.leaf(t, g)

    anomaly = bool(any_thread.anomaly) and state.anomaly
    retained = _function.any_retained
    capture_nodes = collect.nodes if collect is not None else None
    pop, get = grads.pop, grads.get
    # The thread's create_graph flag is read and set only where it can be on: each read
    # of the per-thread state costs about nine plain attribute reads. Grad mode is left
    # as it is for a plain backward, whose rules work on arrays (a user's Function runs
    # with it off: _call_backward), and turned on for create_graph, which records them.
    prev_create = bool(any_thread.create_graph) and state.create_graph
    if create_graph or prev_create:
        state.create_graph = create_graph
    if create_graph:
        prev_enabled = set_thread_grad_enabled(True)
        count_mode("create_graph", +1)  # last before the try: its finally takes it back
    try:
        # Newest node first, the order of topological_order(), from a heap that holds
        # only the frontier: no pass over the whole graph before the first step and no
        # memory in proportion to it. A node enters when its first consumer has run;
        # every consumer has a higher creation number, so it leaves after the last one.
        if len(roots) == 1:  # backward() of one loss
            heap = [(-roots[0]._seq, roots[0])]
        else:
            heap = [(-node._seq, node) for node in dict.fromkeys(roots)]
            heapify(heap)
        while heap:
            node = heappop(heap)[1]
            g = pop(node, None)
            if g is None:
                if not retain_graph and node.saved_tensors:
                    node.saved_tensors = FREED
                    node._versions = None
                continue
            saved = node.saved_tensors
            if saved is FREED:
                raise RuntimeError(
                    f"Trying to backward through the graph a second time ({node.name()}'s saved "
                    "values were freed by the first backward). Specify retain_graph=True in the "
                    "first backward() call if you need to backward through it again."
                )
            versions = node._versions
            if versions is not None:
                for t, version in versions:
                    if t._version != version:
                        check_versions(node)  # raises, naming the tensor
            if hooked and node._hooks:
                g = _hooks.run_hooks(node._hooks, g, Tensor)
            if retained and node._retained is not None:
                owner = node._retained()
                if owner is not None:  # its .grad accumulates over backward calls, as a leaf's
                    if isinstance(g, Tensor):  # create_graph: keep the graph
                        owner.grad = g if owner.grad is None else owner.grad + g
                    else:
                        _accumulate(owner, g, None, handed)
            if capture_nodes and node in capture_nodes:
                collect.node(node, g)
            if node.array_level and not create_graph:
                in_grads = node.backward(node, g)  # the library's rules: one per input, tested
                if type(in_grads) is not tuple:
                    in_grads = (in_grads,)
            else:
                in_grads = _call_backward(node, g, create_graph, Tensor)  # counts them too
            if saved and not retain_graph:
                # Freed as soon as the rule has used them, before the gradients move on
                # (the version records too: they hold the input tensors, and so their arrays).
                node.saved_tensors = saved = FREED
                if versions is not None:
                    node._versions = None
            edges = node.next_functions
            for edge, ig in zip(edges, in_grads):  # no index kept: errors find it (_input_index)
                if edge is None:
                    continue
                if isinstance(edge, Function):
                    if ig is not None:
                        if ig.shape != edge._out_shape:
                            ig = _reduce_to_shape(ig, edge._out_shape, node, edges, in_grads,
                                                  edge)
                        dtype = edge._out_dtype
                        if ig.dtype is not dtype and ig.dtype != dtype:
                            ig = ig.to(dtype) if isinstance(ig, Tensor) else ig.astype(dtype)
                        if anomaly:
                            _check_finite(node, _input_index(edges, in_grads, edge, ig), ig)
                    prev = get(edge, _NOT_PENDING)
                    if prev is _NOT_PENDING:  # its first gradient (None: pending without one)
                        grads[edge] = ig
                        heappush(heap, (-edge._seq, edge))
                    elif ig is not None:
                        grads[edge] = ig if prev is None else prev + ig
                    continue
                if ig is None:
                    continue
                data = edge.data  # a leaf: it is its own edge
                if ig.shape != data.shape:
                    ig = _reduce_to_shape(ig, data.shape, node, edges, in_grads, edge)
                dtype = data.dtype
                if ig.dtype is not dtype and ig.dtype != dtype:
                    ig = ig.to(dtype) if isinstance(ig, Tensor) else ig.astype(dtype)
                if anomaly:
                    _check_finite(node, _input_index(edges, in_grads, edge, ig), ig)
                if hooked and _hooks.hooks_of_leaf(edge) is not None:
                    prev = hooked_leaves.get(edge)
                    hooked_leaves[edge] = ig if prev is None else prev + ig
                elif collect is not None:
                    collect.leaf(edge, ig)
                elif edge.grad is None and type(ig) is _ndarray and ig is not g \
                        and ig.base is None and (key := id(ig)) not in handed:
                    # The usual first gradient of a step: an array of its own (not the
                    # incoming one, not a view, not given to another leaf) becomes .grad as
                    # it is; _accumulate's other cases copy or add.
                    handed.add(key)
                    t = _new(Tensor)
                    t.data, t.grad, t.grad_fn = ig, None, None
                    t._requires_grad, t._version = False, 0
                    edge.grad = t
                else:
                    _accumulate(edge, ig, g, handed)
        for leaf, total in hooked_leaves.items():  # each hooked leaf's whole gradient
            g = _hooks.run_hooks(_hooks.hooks_of_leaf(leaf), total, Tensor)
            if collect is not None:
                collect.leaf(leaf, g)
            else:
                _accumulate(leaf, g, total, handed)
    finally:
        if create_graph or prev_create:
            state.create_graph = prev_create
        if create_graph:
            set_thread_grad_enabled(prev_enabled)
            count_mode("create_graph", -1)
    return None if inputs is None else collect.results()


def _root_gradient(k: int, t: Any, g: Any, create_graph: bool, Tensor: type) -> Any:
    """The gradient that backward starts from at root ``t``: ones for a scalar, else ``g``."""
    if not isinstance(t, Tensor):
        raise TypeError(f"backward() needs Tensors, got {type(t).__name__}")
    if not t._requires_grad:
        raise RuntimeError(
            f"element {k} of tensors does not require grad and does not have a grad_fn: "
            "nothing to differentiate (did you forget requires_grad=True, or is this "
            "inside no_grad()?)"
        )
    data = t.data
    if g is None:
        if data.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for scalar outputs; this tensor has "
                f"shape {tuple(data.shape)}: pass gradient= (a tensor of that shape) to backward()"
            )
        if type(data) is _ndarray and data.ndim == 0:  # the usual loss: a 0-d array
            dtype = data.dtype
            g = _ONE_FLOAT32.copy() if dtype is _float32 else _array(1, dtype)  # the cheapest
        else:
            g = get_array_module(data).empty_like(data)  # C-level, unlike ones_like
            g.fill(1)
    else:
        g_data = g.data if isinstance(g, Tensor) else g
        if tuple(g_data.shape) != tuple(data.shape):
            raise RuntimeError(
                f"Mismatch in shape: grad_output has shape {tuple(g_data.shape)} and output "
                f"has shape {tuple(data.shape)}"
            )
        if type(g_data) is not type(data) and device_of(g_data) != t.device:
            raise RuntimeError(
                f"invalid gradient at index {k} - expected device {t.device} but got "
                f"{device_of(g_data)}"
            )
        g = g if create_graph and isinstance(g, Tensor) else g_data
        if g.dtype != data.dtype:  # as PyTorch: the gradient takes the output's dtype
            g = g.to(t.dtype) if isinstance(g, Tensor) else g.astype(data.dtype)
    if create_graph and not isinstance(g, Tensor):
        g = Tensor(g)
    return g


def _accumulate(leaf: Any, g: Any, incoming: Any, handed: set[int]) -> None:
    """leaf.grad += g for a plain backward() (or a retain_grad() tensor), without aliasing
    arrays the graph still uses.

    ``g`` may be the gradient the op received (``incoming``, passed through, e.g. by
    an addition) or an array already given to another leaf: those are copied, so
    that an in-place update of one ``.grad`` changes nothing else.
    """
    current = leaf.grad
    if current is None:
        if type(g) is not np.ndarray and isinstance(g, np.generic):
            g = np.asarray(g)  # numpy gives scalars for 0-d results
        elif g is incoming or g.base is not None or id(g) in handed:
            g = g.copy()
        handed.add(id(g))
    else:
        g = current.data + g
        if type(g) is not np.ndarray and isinstance(g, np.generic):
            g = np.asarray(g)
    t = _new(_function._tensor_cls)
    t.data, t.grad, t.grad_fn, t._requires_grad, t._version = g, None, None, False, 0
    leaf.grad = t


class _Collector:
    """Where gradients go for ``autograd.grad`` (captured per input) and create_graph
    (accumulated into ``.grad`` as Tensors that keep their graph)."""

    def __init__(self, inputs: Sequence[Any] | None, create_graph: bool):
        Tensor = _function._tensor_cls
        self.inputs, self.create_graph = inputs, create_graph
        self.captured: dict[int, Any] = {}
        self.nodes: dict[Function, int] = {}
        self.leaves: dict[int, int] = {}
        for i, t in enumerate(inputs or ()):
            if not isinstance(t, Tensor):
                raise TypeError(f"inputs must be Tensors, got {type(t).__name__} at position {i}")
            if not t.requires_grad:
                raise RuntimeError(f"input {i} of autograd.grad does not require grad")
            if t.grad_fn is None:
                self.leaves[id(t)] = i
            else:
                self.nodes[t.grad_fn] = i

    def _capture(self, i: int, g: Any) -> None:
        captured = self.captured
        captured[i] = g if i not in captured else captured[i] + g

    def node(self, node: Function, g: Any) -> None:
        self._capture(self.nodes[node], g)

    def leaf(self, leaf: Any, g: Any) -> None:
        if self.inputs is not None:
            i = self.leaves.get(id(leaf))
            if i is not None:
                self._capture(i, g)
            return
        # create_graph=True with backward(): .grad keeps the graph of the gradient
        Tensor = _function._tensor_cls
        g = g if isinstance(g, Tensor) else Tensor(g)
        leaf.grad = g if leaf.grad is None else leaf.grad + g

    def results(self) -> list[Any]:
        return [self.captured.get(i) for i in range(len(self.inputs))]


def _call_backward(node: Function, g: Any, create_graph: bool, Tensor: type) -> tuple:
    """A backward rule that sees Tensors: a user's Function, or any rule under create_graph.

    Its ``saved_tensors`` hold Tensors while it runs (attached to the graph under
    create_graph, so that the rule's own operations are differentiated through them),
    and the arrays again afterwards. A user's rule in a plain backward runs in no_grad.
    """
    saved = node.saved_tensors
    prev_enabled = None
    if create_graph:
        if saved:
            node.saved_tensors = tuple(map(node._saved_as_tensor, saved, node._saved_src))
    elif not node.array_level:
        node.saved_tensors = tuple(None if a is None else Tensor(a) for a in saved)
        prev_enabled = set_thread_grad_enabled(False)
    try:
        if node.array_level:
            out = node.backward(node, g)
        else:
            out = node.backward(node, g if isinstance(g, Tensor) else Tensor._make(g, None))
            if not isinstance(out, tuple):
                out = (out,)
            return _counted(node, tuple(
                o if o is None or create_graph else (o.data if isinstance(o, Tensor) else o)
                for o in out
            ))
    finally:
        node.saved_tensors = saved
        if prev_enabled is not None:
            set_thread_grad_enabled(prev_enabled)
    return _counted(node, out if isinstance(out, tuple) else (out,))


def _counted(node: Function, in_grads: tuple) -> tuple:
    """A rule's gradients, refused unless there is one per input of forward."""
    if len(in_grads) != len(node.next_functions):
        raise RuntimeError(
            f"function {node.name()} returned {len(in_grads)} gradients, "
            f"expected {len(node.next_functions)} (one per input of forward)"
        )
    return in_grads


def _input_index(edges: tuple, in_grads: tuple, edge: Any, ig: Any) -> int:
    """Which input of forward a gradient belongs to, for an error message: the first with
    this edge and this gradient (where both repeat, so does the error), else with this edge
    (the gradient was converted since)."""
    for i, (e, g) in enumerate(zip(edges, in_grads)):
        if e is edge and g is ig:
            return i
    return next(i for i, e in enumerate(edges) if e is edge)


def _reduce_to_shape(ig: Any, shape: tuple, node: Function, edges: tuple, in_grads: tuple,
                     edge: Any) -> Any:
    """The gradient for ``edge`` summed back to its input's shape (a broadcast in forward),
    or the error naming the input of a rule that returned a gradient of the wrong shape."""
    try:
        out = unbroadcast(ig, shape)
    except (ValueError, RuntimeError):
        out = None
    if out is None or tuple(out.shape) != tuple(shape):
        i = _input_index(edges, in_grads, edge, ig)
        raise RuntimeError(
            f"Function {node.name()} returned an invalid gradient at index {i}: got shape "
            f"{tuple(ig.shape)} but expected shape compatible with {tuple(shape)}"
        )
    return out


def _check_finite(node: Function, i: int, ig: Any) -> None:
    data = ig.data if hasattr(ig, "grad_fn") else ig
    xp = get_array_module(data)
    if not bool(xp.isfinite(data).all()):
        kind = "nan" if bool(xp.isnan(data).any()) else "inf"
        where = "".join(node._trace) if node._trace else "(created outside detect_anomaly)\n"
        raise RuntimeError(
            f"Function '{node.name()}' returned {kind} values in its gradient for input {i}.\n"
            f"The op was created here:\n{where}"
        )


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Any, ...]:
    """The gradients of ``outputs`` with respect to ``inputs``, as in ``torch.autograd.grad``.

    Nothing is accumulated into ``.grad``. With ``create_graph=True`` the
    result is itself differentiable (for Hessian-vector products).
    """
    from .tensor import Tensor

    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    single = isinstance(inputs, Tensor)
    inputs = [inputs] if single else list(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs]
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(
            f"grad_outputs has {len(grad_outputs)} entries but outputs has {len(outputs)}"
        )
    if retain_graph is None:
        retain_graph = create_graph
    result = run_backward(outputs, grad_outputs, retain_graph, create_graph, inputs=inputs)
    out = []
    given: set[int] = set()
    for i, g in enumerate(result):
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"input {i} was not used in the graph of the outputs; pass "
                    "allow_unused=True to get None for it"
                )
            out.append(None)
        elif isinstance(g, Tensor):
            out.append(g)
        else:
            # Each result gets a writable array of its own: not a numpy scalar, not a
            # (read-only) broadcast view, not the array another result holds.
            if isinstance(g, np.generic):
                g = np.asarray(g)
            elif g.base is not None or id(g) in given:
                g = g.copy()
            given.add(id(g))
            out.append(Tensor._make(g, None))
    return tuple(out)
