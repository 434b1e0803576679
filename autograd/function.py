"""``Function``: an op's forward and backward side by side, in PyTorch's ctx contract.

A Function instance is both the ``ctx`` its methods receive and the graph node
the output's ``grad_fn`` points to::

    class Exp(ag.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)      # f(x) = e^x, so df/dx = f(x): save the output
            return y

        @staticmethod
        def backward(ctx, grad):
            (y,) = ctx.saved_tensors
            return grad * y               # dL/dx = dL/dy * dy/dx

    y = Exp.apply(x)

A user's Function receives and returns Tensors (its forward runs under
``no_grad``). The library's own ops subclass :class:`Op`: their forward and
backward work on raw arrays, which keeps the per-op cost small. Their backward
rules use only operators, array methods and ``xp`` functions, so that with
``create_graph=True`` the engine can run the very same rule on Tensors and
record it: that is how higher-order gradients work.

Every op, the library's and a user's, runs :meth:`Function.apply`: the one
place where a node of the graph is recorded.
"""

from __future__ import annotations

import itertools
import traceback
from operator import is_not
from typing import Any

import numpy as np
from numpy import ndarray

from . import backend
from .forward_errors import check_broadcast, check_one_device
from .grad_mode import anomaly_enabled, grad_enabled
from .tensor import Tensor

__all__ = ["Function", "FunctionCtx", "Op"]

_sequence = itertools.count()  # creation order of the nodes: a topological order
_FLOAT32 = np.dtype(np.float32)
_NONES = itertools.repeat(None)


class _FreedValues:
    """What ``saved_tensors`` holds once backward has freed the saved values: reading them
    raises PyTorch's error; false, like an empty tuple."""

    __slots__ = ()

    def _refuse(self, *_: Any) -> Any:
        raise RuntimeError(
            "Trying to backward through the graph a second time (or directly access saved "
            "tensors after they have already been freed). Saved intermediate values of the "
            "graph are freed when you call .backward() or autograd.grad(). Specify "
            "retain_graph=True if you need to backward through the graph a second time or "
            "if you need to access saved tensors after calling backward."
        )

    __iter__ = __getitem__ = __len__ = _refuse

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "<freed saved values>"


FREED = _FreedValues()

OUTPUT = -1  # a saved value that is the op's output
CONSTANT = -2  # a saved value that is neither an input nor the output


class FunctionCtx:
    """What ``forward`` and ``backward`` of a :class:`Function` may call on ``ctx``.

    ``ctx.save_for_backward(*values)`` keeps values for backward, which reads them as
    ``ctx.saved_tensors``; ``ctx.needs_input_grad[i]`` says whether input i needs a
    gradient; other fields (``ctx.dim = dim``) carry anything else from forward to backward.

    Examples:
        >>> import autograd as ag
        >>> class Scale(ag.Function):
        ...     @staticmethod
        ...     def forward(ctx, x, k):
        ...         ctx.k = k                      # a number for backward
        ...         return x * k
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         return grad * ctx.k, None      # no gradient for k
        >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
        >>> Scale.apply(x, 3.0).sum().backward()
        >>> x.grad
        tensor([3., 3.])
    """

    __slots__ = ()

    @property
    def needs_input_grad(self) -> tuple[bool, ...]:
        """Per input of forward: does it need a gradient (a Tensor that requires grad)?

        Examples:
            >>> import autograd as ag
            >>> y = ag.tensor([1.0], requires_grad=True) * ag.tensor([2.0])
            >>> y.grad_fn.needs_input_grad
            (True, False)
        """
        needs = self._needs  # computed on first use: forward and backward both ask
        if needs is None:
            needs = self._needs = tuple(map(is_not, self.edges, _NONES))
        return needs

    def save_for_backward(self, *items: Any) -> None:
        """Keep inputs, the output or computed values of forward for backward; they are
        freed once backward has used them.

        Examples:
            >>> import autograd as ag
            >>> class Square(ag.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         ctx.save_for_backward(x)
            ...         return x * x
            ...     @staticmethod
            ...     def backward(ctx, grad):
            ...         (x,) = ctx.saved_tensors
            ...         return 2 * x * grad
            >>> x = ag.tensor([3.0], requires_grad=True)
            >>> Square.apply(x).backward()
            >>> x.grad
            tensor([6.])
        """
        self.saved_tensors = items

    def mark_non_differentiable(self, *items: Any) -> None:
        """Accepted for PyTorch's code and not needed here: an output that is an integer
        or bool tensor never gets a gradient.

        Examples:
            >>> import autograd as ag
            >>> class Floor(ag.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         out = x.floor()
            ...         ctx.mark_non_differentiable(out)
            ...         return out
            ...     @staticmethod
            ...     def backward(ctx, grad):
            ...         return grad * 0
            >>> Floor.apply(ag.tensor([1.5], requires_grad=True))
            tensor([1.], grad_fn=<FloorBackward>)
        """
        return None


class Function(FunctionCtx):
    """Base class of every operation, and of the operations you write yourself.

    A subclass defines two static methods: ``forward(ctx, *inputs)`` computes the output
    from the inputs (Tensors, and any other arguments as given) and saves what backward needs
    with ``ctx.save_for_backward(...)``; ``backward(ctx, grad)`` receives dL/doutput and
    returns dL/dinput, one gradient per input of forward (None for an input that needs none,
    such as an integer, or where ``ctx.needs_input_grad[i]`` is False). Call it as
    ``MyFunction.apply(*inputs)``, never ``forward`` directly. Check it with :func:`gradcheck`.

    Examples:
        >>> import autograd as ag
        >>> class Cube(ag.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x ** 3
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         (x,) = ctx.saved_tensors
        ...         return grad * 3 * x ** 2
        >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
        >>> y = Cube.apply(x)
        >>> y.sum().backward()
        >>> x.grad
        tensor([ 3., 12.])
        >>> x64 = ag.tensor([0.5, -1.5], dtype=ag.float64, requires_grad=True)
        >>> ag.gradcheck(Cube.apply, (x64,))
        True
    """

    __slots__ = (
        "edges",  # per input of forward: the node that made it, a leaf Tensor, or None
        "saved_tensors",  # what save_for_backward kept; FREED once backward used it
        "_saved_src",  # per saved value: the input's index, OUTPUT or CONSTANT
        "_saved_versions",  # (version counter, version, saved index) per saved Tensor, or None
        "_out_shape",  # the output's shape and dtype: its gradient must have them
        "_out_dtype",
        "_seq",  # creation number: every input's node is older than the node
        "_needs",  # needs_input_grad, once asked for
        "_retained",  # weakref to the output when it called retain_grad(), or None
        "_hooks",  # the output's register_hook() hooks (autograd.hooks), or None
        "__dict__",  # what an op keeps besides saved values (ctx.dim = ...)
        "__weakref__",
    )

    array_level = False  # forward and backward work on arrays (Op), or on Tensors
    _trace: Any = None  # the stack where the node was made, under detect_anomaly()
    tensor_inputs: Any = None  # what next_functions lists: input positions (or a slice)

    @staticmethod
    def forward(ctx: Any, *args: Any) -> Any:
        raise NotImplementedError("a Function subclass must define forward(ctx, *inputs)")

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        raise NotImplementedError("a Function subclass must define backward(ctx, grad)")

    @property
    def next_functions(self) -> tuple[tuple[Any, int], ...]:
        """PyTorch's view of the edges: per Tensor input, ``(node, 0)``; a leaf that requires
        grad appears as its ``AccumulateGrad`` node (``.variable`` is the leaf), a Tensor or
        number operand that needs no gradient as ``(None, 0)``. Options (dims, sizes, flags)
        are not listed: an op names the positions it lists, in PyTorch's order, in
        ``tensor_inputs`` (None: every input).

        Examples:
            >>> import autograd as ag
            >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
            >>> (x * 2).grad_fn.next_functions
            ((<AccumulateGrad object>, 0), (None, 0))
        """
        edges = self.edges
        shown = self.tensor_inputs
        if shown is not None:
            edges = edges[shown] if isinstance(shown, slice) else [edges[i] for i in shown]
        return tuple((AccumulateGrad(e) if isinstance(e, Tensor) else e, 0) for e in edges)

    def name(self) -> str:
        """The node's name, as PyTorch prints grad_fn: ``ExpBackward`` for a Function ``Exp``.

        Examples:
            >>> import autograd as ag
            >>> (ag.tensor([1.0], requires_grad=True) * 2).grad_fn.name()
            'MulBackward0'
        """
        return type(self).__name__ + "Backward"

    def __repr__(self) -> str:
        return f"<{self.name()} object>"

    @classmethod
    def apply(cls, *args: Any) -> Any:
        """Run ``forward`` on ``args`` and, where an input needs a gradient, record the node.

        The output Tensor's ``grad_fn`` is the node; its ``edges`` hold, per
        input, the node that made it (a leaf Tensor stands for itself; None where no
        gradient is needed), which is all backward needs to walk the graph.
        """
        arrays = []
        edges = []
        record = False
        for a in args:
            if isinstance(a, Tensor):
                arrays.append(a._array)
                if a._requires_grad:
                    fn = a.grad_fn
                    edges.append(a if fn is None else fn)
                    record = True
                    continue
            else:
                arrays.append(a)
            edges.append(None)
        record = record and grad_enabled.get()

        node = cls()  # ctx and node in one; the fields are set here, once
        node.edges = tuple(edges)
        node.saved_tensors = ()
        node._saved_versions = node._needs = None
        if cls.array_level:
            try:
                out = cls.forward(node, *arrays)
            except (TypeError, ValueError):
                check_one_device(args)  # numpy's errors for devices and shapes: PyTorch's
                check_broadcast(cls, args)
                raise
            if type(out) is not ndarray and not isinstance(out, backend.ARRAY_TYPES):
                out = _scalar_output(node, out)  # numpy gives scalars for 0-d results
        else:
            out = _forward_on_tensors(cls, node, args)
        counter = None if out.base is None else _shared_counter(out, args)
        dtype = out.dtype
        if not record or (dtype is not _FLOAT32 and dtype.kind not in "fc"):
            return Tensor(out, None, False, None, None, counter)  # ints, bools: no gradient

        node._seq = next(_sequence)
        node._out_shape = out.shape
        node._out_dtype = dtype
        node._retained = node._hooks = None
        if anomaly_enabled.get():
            node._trace = traceback.format_stack()[:-1]
        result = Tensor(out, None, False, None, node, counter)
        if node.saved_tensors:
            _note_saved(node, arrays, args, result)
        return result


class AccumulateGrad:
    """Where a leaf's gradient ends up, as ``next_functions`` shows it (PyTorch's name)."""

    __slots__ = ("variable",)

    def __init__(self, variable: Any):
        self.variable = variable

    edges = ()
    next_functions = ()

    def name(self) -> str:
        return "AccumulateGrad"

    def __repr__(self) -> str:
        return "<AccumulateGrad object>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AccumulateGrad) and other.variable is self.variable

    def __hash__(self) -> int:
        return id(self.variable)


class Op(Function):
    """Base class of the library's ops: ``forward`` gets the inputs' arrays (numbers and
    options as given) and returns an array; ``backward`` gets and returns arrays, or
    Tensors when the engine records it (``create_graph=True``)."""

    __slots__ = ()
    array_level = True
    backward_name: str | None = None  # PyTorch's name for the node, where the class's differs

    def name(self) -> str:
        """The node's name as PyTorch prints it: ``MulBackward0``, ``AddmmBackward0``."""
        return self.backward_name or type(self).__name__ + "Backward0"


def _scalar_output(node: Function, scalar: Any) -> Any:
    """A numpy scalar an Op returned, as a 0-d array (where saved too)."""
    out = backend.get_array_module(scalar).asarray(scalar)
    saved = node.saved_tensors
    for k, item in enumerate(saved):
        if item is scalar:
            node.saved_tensors = saved[:k] + (out,) + saved[k + 1:]
            break
    return out


def _forward_on_tensors(cls: type, node: Function, args: tuple) -> Any:
    """A user Function's forward, on Tensors without recording; its output's array. The
    Tensors it saved are kept as arrays, like an Op's."""
    token = grad_enabled.set(False)
    try:
        out = cls.forward(node, *args)
    finally:
        grad_enabled.reset(token)
    if isinstance(out, (tuple, list)):
        raise TypeError(
            f"{cls.__name__}.forward returned {len(out)} outputs; autograd Functions "
            "return exactly one Tensor"
        )
    if not isinstance(out, Tensor):
        raise TypeError(f"{cls.__name__}.forward must return a Tensor, got {type(out).__name__}")
    saved = node.saved_tensors
    if saved:
        # Saved Tensors become their arrays; inputs and the output are found by identity.
        node.saved_tensors = tuple(s._array if isinstance(s, Tensor) else s for s in saved)
        node._saved_src = tuple(_user_source(s, args, out) for s in saved)
    return out._array


def _user_source(item: Any, args: tuple, out: Any) -> int:
    for i, a in enumerate(args):
        if item is a:
            return i
    return OUTPUT if item is out else CONSTANT


def _shared_counter(out: Any, args: tuple) -> Any:
    """The version counter of the input whose memory ``out`` views (reshape, transpose,
    basic indexing, ...), so that in-place writes through either count for both."""
    root = _root(out)
    for a in args:
        if isinstance(a, Tensor) and _root(a._array) is root:
            return a._version_counter
    return None


def _root(array: Any) -> Any:
    """The array that owns the memory ``array`` views."""
    while getattr(array, "base", None) is not None:
        array = array.base
    return array


def _note_saved(node: Function, arrays: list, args: tuple, result: Any) -> None:
    """Where each saved value came from, and the versions of the Tensors they belong to.

    The sources (an input's index, OUTPUT or CONSTANT) let a create_graph backward
    reattach saved values to the graph; the versions let backward refuse values that
    an in-place write changed after forward (:func:`check_versions`).
    """
    versions = []
    if node.array_level:  # saved arrays: found among the inputs' arrays and the output
        out = result._array
        sources = []
        for k, item in enumerate(node.saved_tensors):
            owner = None
            if item is out:
                src, owner = OUTPUT, result
            elif item is None:  # a value the op did not need (Linear's weight for data)
                src = CONSTANT
            else:
                for src, a in enumerate(arrays):
                    if a is item:
                        owner = args[src]
                        break
                else:
                    src = CONSTANT
            sources.append(src)
            if isinstance(owner, Tensor):
                counter = owner._version_counter
                versions.append((counter, counter[0], k))
        node._saved_src = sources
    else:  # a user's Function: _forward_on_tensors found the sources
        for k, src in enumerate(node._saved_src):
            owner = result if src == OUTPUT else args[src] if src >= 0 else None
            if isinstance(owner, Tensor):
                counter = owner._version_counter
                versions.append((counter, counter[0], k))
    if versions:
        node._saved_versions = versions


def check_versions(node: Function) -> None:
    """Refuse to run a backward rule whose saved values were changed in place since forward.

    As in PyTorch: a tensor updated in place (an optimizer step, ``add_`` under
    ``no_grad``, a write through a view or ``detach()``) between forward and backward
    would give silently wrong gradients.
    """
    for counter, version, k in node._saved_versions:
        if counter[0] != version:
            src = node._saved_src[k]
            edge = node.edges[src] if src >= 0 else None
            kind = type(edge).__name__ if isinstance(edge, Tensor) else "Tensor"
            shape = tuple(getattr(node.saved_tensors[k], "shape", ()))
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: [{kind} of shape {shape}], saved by {node.name()}, is at "
                f"version {counter[0]}; expected version {version} instead. Update tensors "
                "in place only after backward(), or work on a .clone()."
            )


def saved_as_tensors(node: Function) -> tuple:
    """The saved values as Tensors attached to the graph, for a create_graph backward:
    an input is the Tensor that fed it (or a new one on its node), the output a Tensor on
    this node, a computed value a constant."""
    out = []
    for value, src in zip(node.saved_tensors, node._saved_src):
        if isinstance(value, Tensor) or not hasattr(value, "shape"):
            out.append(value)  # a Python number stays one: a Tensor would sit on the CPU
        elif src == OUTPUT:
            out.append(Tensor(value, grad_fn=node))
        elif src == CONSTANT or node.edges[src] is None:
            out.append(Tensor(value))
        else:
            edge = node.edges[src]
            # a leaf: use it, so gradients reach its .grad; else a Tensor on its node
            out.append(edge if isinstance(edge, Tensor) else Tensor(value, grad_fn=edge))
    return tuple(out)
