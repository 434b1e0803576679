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

User Functions receive and return Tensors (forward runs under ``no_grad``).
The library's own ops set ``array_level = True``: their forward and backward
work on raw arrays, which keeps the per-op overhead small. Their backward
rules use only operators, array methods and ``xp`` functions, so that with
``create_graph=True`` the engine can run the very same rule on Tensors and
record it: that is how higher-order gradients work.

``Function.apply`` is the general path, and the one to read first. The ops that
every layer of a network runs take a shorter one with the same result: the ops of
one Tensor subclass :class:`UnaryFunction`, the ops of two operands (arithmetic,
matmul, maximum, MSE) set ``apply = binary_apply`` and linear ``apply =
linear_apply``; each is ``Function.apply`` written out for its inputs.
"""

from __future__ import annotations

import itertools
import traceback
import weakref
from typing import Any

import numpy as np

from .dtypes import NUMPY_FLOAT32 as _float32
from .grad_mode import any_thread, set_thread_grad_enabled, state

__all__ = ["Function", "FunctionCtx", "UnaryFunction"]

_sequence = itertools.count()
_new = object.__new__
# numpy's names read once: numpy's module __getattr__ keeps CPython 3.11 from caching a
# read of np.X in a function, a full lookup of about 300 instructions each time
_ndarray = np.ndarray
_generic = np.generic
_asarray = np.asarray
_interned: dict[tuple, tuple] = {}  # shapes and saved-value sources, shared by all the nodes


def unwrap(value: Any) -> Any:
    """The array behind a Tensor; anything else as it is.

    Not ``getattr(value, "data", value)``: a CuPy array's ``.data`` is its memory pointer.
    """
    return value.data if isinstance(value, _tensor_cls) else value


def _intern(key: tuple) -> tuple:
    """One shared copy of a small tuple of ints (a shape, the sources of saved values).

    A graph of 100,000 ops keeps two such tuples per node: sharing them saves
    about 100 bytes a node. Bounded, for programs with ever-new shapes. The hot
    paths look up ``_interned[key]`` themselves and call this on a miss, to add it.
    """
    if len(_interned) > 4096:
        _interned.clear()
    _interned[key] = key
    return key


class _FreedValues:
    """What ``saved_tensors`` holds once backward has freed the saved values: reading them
    raises PyTorch's error, as its property would; false, like an empty tuple."""

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

_OUTPUT = -1  # marks a saved array that is the op's output
_CONSTANT = -2  # marks a saved array that is neither an input nor the output
_SRC_OUTPUT = (_OUTPUT,)
_SRC_INPUT = (0,)
_SRC_CONSTANT = (_CONSTANT,)
_SRC_FIRST_TWO = (0, 1)


# Whether any node has ever had its output's retain_grad(): until then backward does not
# look for one (reading the class default of ``_retained`` costs each node a full lookup).
any_retained = False


def retain(node: Function, tensor: Any) -> None:
    """Make ``tensor``, the output of ``node``, keep its gradient in ``.grad`` (retain_grad)."""
    global any_retained
    node._retained = weakref.ref(tensor)
    any_retained = True


class FunctionCtx:
    """The ctx that a forward run without graph recording sees: saving is a no-op."""

    __slots__ = ("__dict__",)
    needs_input_grad: tuple[bool, ...] = ()

    def save_for_backward(self, *items: Any) -> None:
        return None

    def mark_non_differentiable(self, *items: Any) -> None:
        return None


class Function:
    """Base class of every op, and of the ops students write themselves.

    Subclasses define ``forward(ctx, *inputs)`` and ``backward(ctx, grad)`` as
    static methods and are called with ``.apply(*inputs)``. ``backward``
    returns one gradient per input of ``forward`` (``None`` for inputs that
    need none, e.g. integers, or where ``ctx.needs_input_grad[i]`` is False).
    """

    __slots__ = (
        "next_functions",  # per input: the producing node, a leaf Tensor, or None
        # What backward reads: the saved arrays (FREED once backward has freed them). A plain
        # slot, not a property, as the rule reads it once a node: the engine puts Tensors in
        # it while a user's Function or a create_graph backward runs (_call_backward).
        "saved_tensors",
        "_saved_src",  # per saved item: input index, _OUTPUT or _CONSTANT
        "_out_shape",
        "_out_dtype",
        "_seq",  # creation order: sorting by it gives a topological order
        "_versions",  # (tensor, its version) for each saved input: see check_versions
        "__dict__",
        "__weakref__",
    )

    array_level = False
    # Rarely set, so kept out of the slots: an op pays nothing for them until it is.
    _retained: Any = None  # weakref to the output tensor when it called retain_grad(): retain()
    _trace: Any = None  # where the op was created, under detect_anomaly()
    _hooks: Any = None  # the output tensor's register_hook() hooks (autograd.hooks)

    @property
    def needs_input_grad(self) -> tuple[bool, ...]:
        """Per input of forward: does it need a gradient (a Tensor that requires grad)?"""
        edges = self.next_functions
        n = len(edges)  # the usual lengths spelled out: a third of the general loop's cost
        if n == 2:
            a, b = edges
            return (a is not None, b is not None)
        if n == 3:
            a, b, c = edges
            return (a is not None, b is not None, c is not None)
        if n == 1:
            return (edges[0] is not None,)
        return tuple([edge is not None for edge in edges])

    @property
    def _freed(self) -> bool:
        """True once backward has freed the saved values (without retain_graph)."""
        return self.saved_tensors is FREED

    @staticmethod
    def forward(ctx: Any, *args: Any) -> Any:
        raise NotImplementedError("a Function subclass must define forward(ctx, *inputs)")

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        raise NotImplementedError("a Function subclass must define backward(ctx, grad)")

    # --- the ctx API -----------------------------------------------------------------
    def save_for_backward(self, *items: Any) -> None:
        """Keep inputs or outputs of forward for backward; freed once backward has used them."""
        self.saved_tensors = items

    def mark_non_differentiable(self, *items: Any) -> None:
        return None

    def name(self) -> str:
        """The node's name, as PyTorch prints grad_fn: ``MulBackward``."""
        return type(self).__name__ + "Backward"

    def __repr__(self) -> str:
        return f"<{self.name()} object>"

    def _saved_as_tensor(self, value: Any, src: int) -> Any:
        """A saved value (from input ``src``, the output or a constant) as a Tensor attached
        to the graph, for create_graph backward."""
        Tensor = _tensor_cls
        if isinstance(value, Tensor):
            return value
        if not hasattr(value, "shape"):  # a Python number stays one: a Tensor would sit on the CPU
            return value
        if src == _OUTPUT:
            return Tensor._make(value, self)
        if src == _CONSTANT:
            return Tensor(value)
        edge = self.next_functions[src]
        if edge is None:
            return Tensor(value)
        if isinstance(edge, Tensor):  # a leaf: use it, so gradients reach its .grad
            return edge
        return Tensor._make(value, edge)

    # --- running an op ---------------------------------------------------------------
    @classmethod
    def apply(cls, *args: Any) -> Any:
        # The hot path of the whole library: every op of every forward pass runs it,
        # so it makes one pass over the arguments and no object it does not need.
        Tensor = _tensor_cls
        array_level = cls.array_level
        record = False
        if not any_thread.grad_disabled or state.grad_enabled:  # is_grad_enabled(), inlined
            inputs, edges = [], []
            for a in args:
                if isinstance(a, Tensor):
                    inputs.append(a.data)
                    if a._requires_grad:
                        fn = a.grad_fn
                        edges.append(a if fn is None else fn)  # a leaf is its own edge
                        record = True
                        continue
                else:
                    inputs.append(a)
                edges.append(None)
        else:
            inputs = [a.data if isinstance(a, Tensor) else a for a in args]
        if not array_level:
            inputs = args
        if not record:  # no graph to record: just the forward
            if not array_level:
                return _untracked(_run_user_forward(cls, FunctionCtx(), args).data)
            return _forward_only(cls, args, inputs)

        ctx = _new(cls)
        ctx.next_functions = tuple(edges)
        ctx.saved_tensors = ()
        ctx._versions = None
        ctx._seq = next(_sequence)
        if any_thread.anomaly and state.anomaly:  # the count first: cheaper than the thread's flag
            ctx._trace = traceback.format_stack()[:-2]

        if array_level:
            try:
                out = cls.forward(ctx, *inputs)
            except (TypeError, ValueError):
                _check_one_device(args)
                _check_broadcast(cls, args)
                raise
            if type(out) is not _ndarray and isinstance(out, _generic):
                out = _scalar_output(ctx, out)
            saved = ctx.saved_tensors
            if saved:
                if len(saved) == 1 and saved[0] is out:  # y alone (exp, tanh, sigmoid)
                    ctx._saved_src = _SRC_OUTPUT
                else:
                    ctx._saved_src, ctx._versions = _trace_saved(saved, inputs, out, args)
        else:
            out_tensor = _run_user_forward(cls, ctx, args)
            out = out_tensor.data
            saved = ctx.saved_tensors
            if saved:
                ctx._saved_src, ctx._versions = _trace_saved(saved, args, out_tensor, args)
                ctx.saved_tensors = tuple(s.data if isinstance(s, Tensor) else s for s in saved)
        return _output_tensor(ctx, out)


def _forward_only(cls: type, args: tuple, inputs: Any) -> Any:
    """A library op's forward where no graph is recorded (no_grad, or no input needs a
    gradient): its output, a Tensor without grad_fn."""
    try:
        out = cls.forward(FunctionCtx(), *inputs)
    except (TypeError, ValueError):
        _check_one_device(args)  # numpy and CuPy arrays met: say so clearly
        _check_broadcast(cls, args)
        raise
    if type(out) is not _ndarray and isinstance(out, _generic):
        out = _asarray(out)
    t = _new(_tensor_cls)  # _untracked(out), inline: every op under no_grad ends here
    t.data, t.grad, t.grad_fn, t._requires_grad, t._version = out, None, None, False, 0
    return t


def _untracked(out: Any) -> Any:
    """A Tensor of the op's output without a graph (a user forward, or no_grad)."""
    t = _new(_tensor_cls)
    t.data, t.grad, t.grad_fn, t._requires_grad, t._version = out, None, None, False, 0
    return t


def _scalar_output(ctx: Function, scalar: Any) -> Any:
    """numpy gives scalars for 0-d results: the output as a 0-d array, also where saved."""
    out = _asarray(scalar)
    for s in ctx.saved_tensors:
        if s is scalar:
            ctx.saved_tensors = tuple(out if s is scalar else s for s in ctx.saved_tensors)
            break
    return out


def _output_tensor(ctx: Function, out: Any) -> Any:
    """The op's output Tensor, with ``ctx`` as its grad_fn where it can have a gradient."""
    dtype = out.dtype
    t = _new(_tensor_cls)
    t.data, t.grad, t._version = out, None, 0
    if dtype is not _float32 and dtype.kind != "f":  # float32 first: no .kind to read
        # Integer and bool results carry no gradient, as in PyTorch.
        t.grad_fn, t._requires_grad = None, False
        return t
    shape = out.shape
    try:
        ctx._out_shape = _interned[shape]  # a subscript: cheaper than .get()
    except KeyError:
        ctx._out_shape = _intern(shape)
    ctx._out_dtype = dtype
    t.grad_fn, t._requires_grad = ctx, True
    return t


def _apply_one(cls: type, x: Any) -> Any:
    """``Function.apply`` for the library's ops of one Tensor (activations, exp, log, ...),
    written out for that one input: no loop over arguments, no search for where the saved
    value came from. Same graph, same checks; what it does not cover (no graph to record,
    anomaly mode, a non-Tensor input) goes the general way. Every layer of a network runs it.
    """
    if any_thread.grad_disabled and not state.grad_enabled:  # no_grad: the forward alone
        return _forward_only(cls, (x,), (x.data if isinstance(x, _tensor_cls) else x,))
    if not (isinstance(x, _tensor_cls) and x._requires_grad) or any_thread.anomaly:
        return _general_apply(cls, x)
    ctx = _new(cls)
    fn = x.grad_fn
    ctx.next_functions = (x if fn is None else fn,)  # a leaf is its own edge
    ctx.saved_tensors = ()
    ctx._versions = None
    ctx._seq = next(_sequence)
    data = x.data
    try:
        out = cls.forward(ctx, data)
    except (TypeError, ValueError):
        _check_one_device((x,))
        raise
    if type(out) is not _ndarray and isinstance(out, _generic):
        out = _scalar_output(ctx, out)
    saved = ctx.saved_tensors
    if saved:
        if len(saved) != 1:
            ctx._saved_src, ctx._versions = _trace_saved(saved, (data,), out, (x,))
        elif saved[0] is out:  # y (exp, tanh, sigmoid)
            ctx._saved_src = _SRC_OUTPUT
        elif saved[0] is data:  # x (log, sin, ...): a leaf's version, for the in-place check
            ctx._saved_src = _SRC_INPUT
            if fn is None:
                ctx._versions = ((x, x._version),)
        else:  # a value of its own (relu's mask)
            ctx._saved_src = _SRC_CONSTANT
    return _output_tensor(ctx, out)


def _apply_linear(cls: type, x: Any, weight: Any, bias: Any = None) -> Any:
    """``Function.apply`` for linear (x, W, b), written out for its three inputs, as
    :func:`_apply_one` is for one: the op of every layer of an MLP."""
    Tensor = _tensor_cls
    args = (x, weight, bias)
    if any_thread.grad_disabled and not state.grad_enabled:  # no_grad: the forward alone
        return _forward_only(cls, args, [unwrap(a) for a in args])
    if not (isinstance(x, Tensor) and isinstance(weight, Tensor)
            and (bias is None or isinstance(bias, Tensor))) or any_thread.anomaly:
        return _general_apply(cls, x, weight, bias)
    edge_x = edge_w = edge_b = bias_data = None
    if x._requires_grad:
        edge_x = x if x.grad_fn is None else x.grad_fn  # a leaf is its own edge
    if weight._requires_grad:
        edge_w = weight if weight.grad_fn is None else weight.grad_fn
    if bias is not None:
        bias_data = bias.data
        if bias._requires_grad:
            edge_b = bias if bias.grad_fn is None else bias.grad_fn
    if edge_x is None and edge_w is None and edge_b is None:
        return _general_apply(cls, x, weight, bias)  # no graph to record
    ctx = _new(cls)
    ctx.next_functions = (edge_x, edge_w, edge_b)
    ctx.saved_tensors = ()
    ctx._versions = None
    ctx._seq = next(_sequence)
    x_data, w_data = x.data, weight.data
    try:
        out = cls.forward(ctx, x_data, w_data, bias_data)
    except (TypeError, ValueError):
        _check_one_device((x, weight, bias))
        raise
    if type(out) is not _ndarray and isinstance(out, _generic):
        out = _scalar_output(ctx, out)  # a 1-D weight gives a number
    saved = ctx.saved_tensors
    if len(saved) == 2 and saved[0] is x_data and saved[1] is w_data:
        ctx._saved_src = _SRC_FIRST_TWO
        # the leaves' versions, for the in-place check (intermediates are not tracked)
        if x.grad_fn is None:
            ctx._versions = ((x, x._version),)
        if weight.grad_fn is None:
            ctx._versions = (ctx._versions or ()) + ((weight, weight._version),)
    elif saved:
        ctx._saved_src, ctx._versions = _trace_saved(
            saved, (x_data, w_data, bias_data), out, (x, weight, bias))
    return _output_tensor(ctx, out)


def _apply_two(cls: type, a: Any, b: Any, *options: Any) -> Any:
    """``Function.apply`` for the library's ops of two operands (arithmetic, matmul,
    maximum, MSE), written out as :func:`_apply_one` is for one. Either operand may be a
    number; the options after them (MSE's reduction) are constants. Same graph, same checks;
    what it does not cover (no graph to record, anomaly mode, a Tensor among the options)
    goes the general way."""
    Tensor = _tensor_cls
    if any_thread.grad_disabled and not state.grad_enabled:  # no_grad: the forward alone
        return _general_apply(cls, a, b, *options)
    edge_a = edge_b = None
    if isinstance(a, Tensor):
        a_data = a.data
        if a._requires_grad:
            edge_a = a if a.grad_fn is None else a.grad_fn  # a leaf is its own edge
    else:
        a_data = a
    if isinstance(b, Tensor):
        b_data = b.data
        if b._requires_grad:
            edge_b = b if b.grad_fn is None else b.grad_fn
    else:
        b_data = b
    if (edge_a is None and edge_b is None) or any_thread.anomaly:
        return _general_apply(cls, a, b, *options)
    for option in options:
        if isinstance(option, Tensor):
            return _general_apply(cls, a, b, *options)
    ctx = _new(cls)
    edges = (edge_a, edge_b)
    ctx.next_functions = (edges + (None,) * len(options)) if options else edges
    ctx.saved_tensors = ()
    ctx._versions = None
    ctx._seq = next(_sequence)
    try:
        out = cls.forward(ctx, a_data, b_data, *options)
    except (TypeError, ValueError):
        _check_one_device((a, b))
        _check_broadcast(cls, (a, b, *options))
        raise
    if type(out) is not _ndarray and isinstance(out, _generic):
        out = _scalar_output(ctx, out)
    saved = ctx.saved_tensors
    if len(saved) == 2 and saved[0] is a_data and saved[1] is b_data:  # mul, div, matmul, MSE
        ctx._saved_src = _SRC_FIRST_TWO
        # the leaves' versions, for the in-place check (intermediates are not tracked)
        if isinstance(a, Tensor) and a.grad_fn is None:
            ctx._versions = ((a, a._version),)
        if isinstance(b, Tensor) and b.grad_fn is None:
            ctx._versions = (ctx._versions or ()) + ((b, b._version),)
    elif saved:
        ctx._saved_src, ctx._versions = _trace_saved(
            saved, (a_data, b_data, *options), out, (a, b, *options))
    return _output_tensor(ctx, out)


def _check_one_device(args: tuple) -> None:
    """Raise PyTorch's error when an op's tensors live on different devices.

    Called only after a forward failed, so the common path pays nothing.
    """
    from .backend import device_of

    devices = []
    for a in args:
        data = a.data if isinstance(a, _tensor_cls) else a
        if hasattr(data, "shape") and not isinstance(data, np.generic):  # where's raw condition
            d = device_of(data)
            if d not in devices:
                devices.append(d)
    if len(devices) > 1:
        raise RuntimeError(
            f"Expected all tensors to be on the same device, but found at least two devices, "
            f"{devices[0]} and {devices[1]}!"
        )
    if len(devices) == 1 and devices[0].type == "cuda":
        from .backend import current_cuda_index

        current = current_cuda_index()
        if devices[0].index != current:
            raise RuntimeError(
                f"the tensors are on {devices[0]} but the current GPU is cuda:{current}, where "
                f"kernels run: compute inside `with ag.cuda.device({devices[0].index}):` or "
                f"call ag.cuda.set_device({devices[0].index}) first"
            )


def _check_broadcast(cls: type, args: tuple) -> None:
    """Turn numpy's ValueError for shapes that do not broadcast into PyTorch's RuntimeError.

    Called only after a forward failed; names the first dimension that differs, as PyTorch.
    """
    import sys

    err = sys.exc_info()[1]
    if not (isinstance(err, ValueError) and "broadcast" in str(err)):
        return
    shapes = [tuple(a.shape) for a in args if hasattr(a, "shape") and not isinstance(a, np.generic)]
    where = ""
    for a, b in itertools.product(shapes, shapes):
        dims = [(n, m, i) for i, (n, m) in enumerate(zip(a[::-1], b[::-1])) if n != m != 1 != n]
        if dims:
            n, m, i = dims[0]
            where = (f"The size of tensor a ({n}) must match the size of tensor b ({m}) at "
                     f"non-singleton dimension {max(len(a), len(b)) - 1 - i}: ")
            break
    name = cls.__name__.lower()
    raise RuntimeError(
        f"{where}{name}: shapes {', '.join(map(str, shapes))} cannot be broadcast together"
    ) from err


def check_versions(node: Function) -> None:
    """Refuse to run a backward rule whose saved inputs were changed in place since forward.

    As in PyTorch: a tensor updated in place (an optimizer step, ``add_`` under
    ``no_grad``) between forward and backward would give silently wrong gradients.
    """
    for t, version in node._versions:
        if t._version != version:
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: [{type(t).__name__} of shape {tuple(t.shape)}] is at version "
                f"{t._version}; expected version {version} instead (used by {node.name()}). "
                "Update tensors in place only after backward(), or work on a .clone()."
            )


def _trace_saved(saved: tuple, inputs: Any, out: Any, args: tuple) -> tuple[tuple, Any]:
    """Where each saved value came from, and the versions of the saved leaf inputs.

    The sources (an input's index, _OUTPUT or _CONSTANT per saved value) let a
    create_graph backward reattach saved values to the graph. The versions are
    (tensor, version) for each saved input that is a leaf (a parameter, the data):
    what gets updated in place between forward and backward, so check_versions
    looks at them; intermediates are not tracked, which keeps deep graphs lean.
    """
    src = []
    versions = None
    for item in saved:
        i = 0
        for a in inputs:
            if a is item:
                break
            i += 1
        else:
            src.append(_OUTPUT if item is out else _CONSTANT)
            continue
        src.append(i)
        a = args[i]
        if isinstance(a, _tensor_cls) and a.grad_fn is None:
            versions = (versions or ()) + ((a, a._version),)
    key = tuple(src)
    try:
        return _interned[key], versions
    except KeyError:
        return _intern(key), versions


def _run_user_forward(cls: type, ctx: Any, args: tuple) -> Any:
    """A user Function's forward: Tensors in, a Tensor out, no graph recorded."""
    Tensor = _tensor_cls
    prev = set_thread_grad_enabled(False)
    try:
        out = cls.forward(ctx, *args)
    finally:
        set_thread_grad_enabled(prev)
    if isinstance(out, (tuple, list)):
        raise TypeError(
            f"{cls.__name__}.forward returned {len(out)} outputs; autograd Functions "
            "return exactly one Tensor"
        )
    if not isinstance(out, Tensor):
        raise TypeError(f"{cls.__name__}.forward must return a Tensor, got {type(out).__name__}")
    return out


_tensor_cls: Any = None  # set by tensor.py; breaks the import cycle


def _set_tensor_class(cls: type) -> None:
    global _tensor_cls
    _tensor_cls = cls


_general_apply = Function.apply.__func__  # for the fast paths' fallback
linear_apply = classmethod(_apply_linear)
binary_apply = classmethod(_apply_two)


class UnaryFunction(Function):
    """An op of one Tensor (exp, tanh, sigmoid, relu, ...): Function's contract, applied
    through :func:`_apply_one`, which every activation of every network runs."""

    __slots__ = ()
    apply = classmethod(_apply_one)
