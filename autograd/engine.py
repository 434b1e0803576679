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

import threading
from collections.abc import Callable, Iterable, Sequence
from heapq import heappop, heappush
from typing import Any

import numpy as np
from numpy import generic, ndarray

from . import hooks as _hooks
from .backend import device_of, get_array_module
from .function import FREED, Function, check_versions, saved_as_tensors
from .grad_mode import anomaly_enabled, grad_enabled
from .tensor import Tensor

__all__ = ["topological_order", "run_backward", "unbroadcast"]

# Where a leaf's gradient is accumulated: one thread at a time, so that concurrent
# backward passes into shared parameters lose no update.
grad_lock = threading.Lock()


def topological_order(roots: Iterable[Function]) -> list[Function]:
    """Every node reachable from ``roots``, each before the nodes it consumes."""
    seen: set[Function] = set()  # nodes hash by identity
    nodes: list[Function] = []
    stack = [r for r in roots if r is not None]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        nodes.append(node)
        for edge in node.edges:
            if isinstance(edge, Function) and edge not in seen:
                stack.append(edge)
    nodes.sort(key=lambda node: node._seq, reverse=True)
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


def run_backward(tensors: Sequence[Any], grad_tensors: Sequence[Any], retain_graph: bool,
                 create_graph: bool, inputs: Sequence[Any] | None = None,
                 accumulate_into: Sequence[Any] | None = None,
                 on_node: Callable[[Function, Any, list], None] | None = None) -> list | None:
    """Backpropagate from ``tensors``: accumulate into the leaves' ``.grad`` (only those in
    ``accumulate_into`` where given), or return the gradients of ``inputs`` (autograd.grad).

    ``on_node(node, grad, sent)`` is called after each node's rule has run, with the
    gradient of its output and the ``(input index, gradient)`` pairs it sent on.
    """
    sink = _Sink(inputs, accumulate_into, create_graph)
    grads, heap = _seed(tensors, grad_tensors, create_graph, sink)
    anomaly = anomaly_enabled.get()
    # A create_graph backward records its rules: grad mode on for the pass. A plain one
    # runs rules on arrays, which record nothing, and turns grad mode off only around the
    # code that sees Tensors (hooks, a user's Function: run_hooks, _call_backward).
    grad_token = grad_enabled.set(True) if create_graph and not grad_enabled.get() else None
    try:
        # Newest node first: a node leaves the heap after its last consumer has run, as
        # every consumer has a higher creation number.
        while heap:
            node = heappop(heap)[1]
            g = grads.pop(node)
            if g is None:  # reached, but no gradient flowed to it
                if not retain_graph and node.saved_tensors:
                    node.saved_tensors, node._saved_versions = FREED, None
                continue
            if node._hooks:  # register_hook() on the node's output: may replace g
                g = _hooks.run_hooks(node._hooks, g)
            in_grads = _run_rule(node, g, create_graph, retain_graph, sink)
            sent = [] if on_node is not None else None
            for i, (edge, ig) in enumerate(zip(node.edges, in_grads)):
                if edge is None:
                    continue
                to_node = isinstance(edge, Function)  # else a leaf Tensor
                if ig is not None:
                    if to_node:
                        shape, dtype = edge._out_shape, edge._out_dtype
                    else:
                        shape, dtype = edge._array.shape, edge._array.dtype
                    if ig.shape != shape or (ig.dtype is not dtype and ig.dtype != dtype):
                        ig = _conform(ig, shape, dtype, node, i)
                    if anomaly:
                        _check_finite(node, i, ig)
                    if sent is not None:
                        sent.append((i, ig))
                    if not to_node:
                        sink.leaf(edge, ig, g)
                        continue
                elif not to_node:
                    continue
                if edge not in grads:  # its first gradient (None: reached without one)
                    grads[edge] = ig
                    heappush(heap, (-edge._seq, edge))
                elif ig is not None:
                    prev = grads[edge]
                    grads[edge] = ig if prev is None else prev + ig
            if on_node is not None:
                on_node(node, g, sent)
        sink.deliver_hooked()
    finally:
        if grad_token is not None:
            grad_enabled.reset(grad_token)
    return sink.results()


def _seed(tensors: Sequence[Any], grad_tensors: Sequence[Any], create_graph: bool, sink: _Sink
          ) -> tuple[dict[Function, Any], list[tuple[int, Function]]]:
    """The roots' gradients: per node, the gradient of its output, and the heap of those
    nodes by creation number (a root that is a leaf gets its gradient at once)."""
    grads: dict[Function, Any] = {}
    heap: list[tuple[int, Function]] = []
    for k, (t, g) in enumerate(zip(tensors, grad_tensors)):
        g = _root_gradient(k, t, g, create_graph, Tensor)
        node = t.grad_fn
        if node is None:
            sink.leaf(t, g, g)
        elif node in grads:
            grads[node] = grads[node] + g
        else:
            grads[node] = g
            heappush(heap, (-node._seq, node))
    return grads, heap


def _run_rule(node: Function, g: Any, create_graph: bool, retain_graph: bool, sink: _Sink
              ) -> tuple:
    """Run one node's backward rule on the gradient of its output: one gradient per input."""
    saved = node.saved_tensors
    if saved is FREED:
        raise RuntimeError(
            f"Trying to backward through the graph a second time ({node.name()}'s saved "
            "values were freed by the first backward). Specify retain_graph=True in the "
            "first backward() call if you need to backward through it again."
        )
    versions = node._saved_versions
    if versions is not None:
        for counter, version, _ in versions:
            if counter[0] != version:
                check_versions(node)  # raises, naming the tensor
    if node._retained is not None:
        owner = node._retained()
        if owner is not None:  # retain_grad(): its .grad accumulates, as a leaf's
            sink.retained(owner, g)
    if sink.wanted:
        sink.node(node, g)
    if node.array_level and not create_graph:
        in_grads = node.backward(node, g)  # arrays in, arrays out: the usual case
    else:
        in_grads = _call_backward(node, g, create_graph)
    if type(in_grads) is not tuple:
        in_grads = (in_grads,)
    if len(in_grads) != len(node.edges):
        raise RuntimeError(
            f"function {node.name()} returned {len(in_grads)} gradients, "
            f"expected {len(node.edges)} (one per input of forward)"
        )
    if saved and not retain_graph:  # freed as soon as the rule has used them
        node.saved_tensors, node._saved_versions = FREED, None
    return in_grads


def _call_backward(node: Function, g: Any, create_graph: bool) -> tuple:
    """A backward rule that sees Tensors: a user's Function, or any rule under create_graph.

    Its ``saved_tensors`` hold Tensors while it runs (attached to the graph under
    create_graph, so that the rule's own operations are differentiated through them),
    and the arrays again afterwards. A user's rule in a plain backward runs in no_grad.
    """
    saved = node.saved_tensors
    if create_graph:
        node.saved_tensors = saved_as_tensors(node) if saved else saved
        token = None
    else:
        node.saved_tensors = tuple(None if a is None else Tensor(a) for a in saved)
        g = Tensor(g)
        token = grad_enabled.set(False)  # a plain backward records nothing
    try:
        out = node.backward(node, g)
    finally:
        node.saved_tensors = saved
        if token is not None:
            grad_enabled.reset(token)
    if not isinstance(out, tuple):
        out = (out,)
    if create_graph:
        return out
    return tuple(o._array if isinstance(o, Tensor) else o for o in out)


def _conform(ig: Any, shape: tuple, dtype: Any, node: Function, i: int) -> Any:
    """The gradient for input ``i`` in that input's shape (summing what forward broadcast)
    and dtype; an error naming the input where the rule returned another shape."""
    if ig.shape != shape:
        try:
            reduced = unbroadcast(ig, shape)
        except (ValueError, RuntimeError):
            reduced = None
        if reduced is None or tuple(reduced.shape) != tuple(shape):
            raise RuntimeError(
                f"Function {node.name()} returned an invalid gradient at index {i}: got shape "
                f"{tuple(ig.shape)} but expected shape compatible with {tuple(shape)}"
            )
        ig = reduced
    if ig.dtype != dtype:
        ig = ig.to(dtype) if hasattr(ig, "grad_fn") else ig.astype(dtype)
    return ig


class _Sink:
    """Where the gradients end up: accumulated into ``.grad`` (backward), or captured per
    input (``autograd.grad``); under create_graph, as Tensors that keep their graph."""

    __slots__ = ("inputs", "create_graph", "handed", "owned", "captured", "wanted", "only",
                 "selective", "hooked", "hooked_leaves")

    def __init__(self, inputs: Sequence[Any] | None, accumulate_into: Sequence[Any] | None,
                 create_graph: bool):
        self.inputs = inputs
        self.create_graph = create_graph
        self.handed: set[int] = set()  # arrays already given to a .grad: copy before sharing
        self.owned: dict[int, Any] = {}  # sums this pass made for a .grad, nowhere else used
        self.captured: dict[int, Any] = {}
        self.wanted: dict[int, int] = {}  # id(leaf) or id(node) -> position in inputs
        self.only = None  # backward(inputs=...): the tensors whose .grad is accumulated
        self.selective = inputs is not None or accumulate_into is not None
        self.hooked = _hooks.any_hooks  # leaves with hooks get their whole gradient at the end
        self.hooked_leaves: dict[Any, Any] = {}
        targets = inputs if inputs is not None else accumulate_into
        if targets is not None:
            if isinstance(targets, Tensor):
                targets = [targets]
            for i, t in enumerate(targets):
                if not isinstance(t, Tensor):
                    raise TypeError(
                        f"inputs must be Tensors, got {type(t).__name__} at position {i}")
                if not t.requires_grad:
                    raise RuntimeError(f"input {i} of autograd.grad does not require grad")
                self.wanted[id(t if t.grad_fn is None else t.grad_fn)] = i
            if inputs is None:
                self.only = {id(t): t for t in targets}

    def leaf(self, leaf: Any, g: Any, incoming: Any) -> None:
        """The gradient ``g`` reached ``leaf`` (``incoming``: the gradient of the node that
        sent it, which ``g`` may be, passed through)."""
        if self.hooked and _hooks.hooks_of_leaf(leaf) is not None:
            prev = self.hooked_leaves.get(leaf)
            self.hooked_leaves[leaf] = g if prev is None else prev + g
        elif self.selective:
            self._select(leaf, g, incoming)
        else:
            self._accumulate(leaf, g, incoming)

    def deliver_hooked(self) -> None:
        """Each hooked leaf's whole gradient, through its hooks, to where it goes."""
        for leaf, total in self.hooked_leaves.items():
            g = _hooks.run_hooks(_hooks.hooks_of_leaf(leaf), total)
            if self.selective:
                self._select(leaf, g, total)
            else:
                self._accumulate(leaf, g, total)

    def _select(self, leaf: Any, g: Any, incoming: Any) -> None:
        """autograd.grad captures the inputs' gradients; backward(inputs=...) accumulates
        only theirs."""
        if self.inputs is not None:
            i = self.wanted.get(id(leaf))
            if i is not None:
                self._capture(i, g)
        elif id(leaf) in self.only:
            self._accumulate(leaf, g, incoming)

    def node(self, node: Function, g: Any) -> None:
        """The gradient of ``node``'s output: an input of autograd.grad, or of
        backward(inputs=...) that is not a leaf."""
        if self.wanted and id(node) in self.wanted:
            if self.inputs is not None:
                self._capture(self.wanted[id(node)], g)
            else:
                owner = next((t for t in self.only.values() if t.grad_fn is node), None)
                if owner is not None:
                    self._accumulate(owner, g, g)

    def retained(self, owner: Any, g: Any) -> None:
        if self.inputs is None and self.only is None:
            self._accumulate(owner, g, g)

    def _capture(self, i: int, g: Any) -> None:
        captured = self.captured
        captured[i] = g if i not in captured else captured[i] + g

    def _accumulate(self, leaf: Any, g: Any, incoming: Any) -> None:
        """leaf.grad += g, one thread at a time, without sharing an array that the graph
        or another ``.grad`` still uses (so that an in-place update of one ``.grad``
        changes nothing else)."""
        if self.create_graph:
            g = g if isinstance(g, Tensor) else Tensor(g)
            with grad_lock:
                leaf._grad = g if leaf._grad is None else leaf._grad + g
            return
        if type(g) is not ndarray and isinstance(g, generic):
            g = np.asarray(g)  # numpy gives scalars for 0-d results
        with grad_lock:
            current = leaf._grad
            if current is None:
                if g is incoming or g.base is not None or id(g) in self.handed:
                    g = g.copy()
                self.handed.add(id(g))
                leaf._grad = Tensor(g)
            elif self.owned.get(id(current._array)) is current._array:
                current._array += g  # an array this pass made for this .grad: add in place
                current._version_counter[0] += 1
            else:
                total = current._array + g
                self.owned[id(total)] = total
                leaf._grad = Tensor(total)

    def results(self) -> list[Any] | None:
        if self.inputs is None:
            return None
        return [self.captured.get(i) for i in range(len(self.inputs))]


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
    data = t._array
    if g is None:
        if data.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for scalar outputs; this tensor has "
                f"shape {tuple(data.shape)}: pass gradient= (a tensor of that shape) to backward()"
            )
        g = get_array_module(data).empty_like(data)
        g.fill(1)
    else:
        g_data = g._array if isinstance(g, Tensor) else g
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


def _check_finite(node: Function, i: int, ig: Any) -> None:
    data = ig._array if hasattr(ig, "grad_fn") else ig
    xp = get_array_module(data)
    if not bool(xp.isfinite(data).all()):
        kind = "nan" if bool(xp.isnan(data).any()) else "inf"
        where = "".join(node._trace) if node._trace else "(created outside detect_anomaly)\n"
        raise RuntimeError(
            f"Function '{node.name()}' returned {kind} values in its gradient for input {i}.\n"
            f"The op was created here:\n{where}"
        )
