"""The fast paths taken for the default case must give exactly what the general path gives.

- ``F.cross_entropy`` with class indices, no weight, no label smoothing and no
  ignored target runs the fused ``CrossEntropyIndexLoss``; everything else runs
  ``class_targets`` + ``CrossEntropyLoss``. Its usual call (host arrays, int64
  indices) is recognised by one check before the general ones.
- ``optim.SGD`` without momentum, weight decay or maximize runs a plain
  theta <- theta - lr g loop.
- Ops of one Tensor (``UnaryFunction``), of two operands (arithmetic, matmul, maximum,
  MSE) and linear record their node with an apply written out for their inputs;
  ``Function.apply`` is the general path.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import optim
from autograd import function as fn
from autograd.ops import activations as A
from autograd.ops import arithmetic, linalg
from autograd.ops import losses as L
from autograd.ops import select as SEL
from autograd.ops import shape as S
from autograd.ops import unary as U


def _general_cross_entropy(x: ag.Tensor, target: np.ndarray, reduction: str) -> ag.Tensor:
    """The general path, forced: one-hot coefficients Q and the unfused op."""
    classes = L.class_targets(np, target, x.shape[1], x.data.dtype, None, -100, 0.0)
    return L.CrossEntropyLoss.apply(x, None, None, classes, None, reduction)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fused_cross_entropy_equals_general_path(reduction: str, dtype: type) -> None:
    rng = np.random.default_rng(0)
    logits = (rng.standard_normal((7, 5)) * 4).astype(dtype)
    target = rng.integers(0, 5, 7)
    x_fast = ag.tensor(logits, requires_grad=True)
    x_general = ag.tensor(logits, requires_grad=True)
    fast = F.cross_entropy(x_fast, ag.tensor(target), reduction=reduction)
    general = _general_cross_entropy(x_general, target, reduction)
    assert fast.grad_fn.name() == "CrossEntropyIndexLossBackward"
    np.testing.assert_array_equal(fast.data, general.data)
    upstream = rng.standard_normal(fast.shape).astype(dtype)
    fast.backward(ag.tensor(upstream))
    general.backward(ag.tensor(upstream))
    np.testing.assert_array_equal(x_fast.grad.data, x_general.grad.data)
    assert x_fast.grad.dtype == x_fast.dtype


def test_fused_cross_entropy_by_hand() -> None:
    x = ag.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], dtype=ag.float64, requires_grad=True)
    loss = F.cross_entropy(x, ag.tensor([2, 0]))
    log_sum = math.log(math.exp(1) + math.exp(2) + math.exp(3))
    expected = ((log_sum - 3.0) + math.log(3.0)) / 2
    assert loss.item() == pytest.approx(expected, rel=1e-12)
    loss.backward()
    softmax = np.exp([1.0, 2.0, 3.0]) / math.exp(log_sum)
    np.testing.assert_allclose(x.grad.data[0], (softmax - [0, 0, 1]) / 2, rtol=1e-12)
    np.testing.assert_allclose(x.grad.data[1], (np.full(3, 1 / 3) - [1, 0, 0]) / 2, rtol=1e-12)


def test_fused_cross_entropy_extreme_logits_stay_finite() -> None:
    x = ag.tensor([[1000.0, -1000.0, 0.0]], requires_grad=True)
    loss = F.cross_entropy(x, ag.tensor([1]))
    assert loss.item() == pytest.approx(2000.0)
    loss.backward()
    np.testing.assert_allclose(x.grad.data, [[1.0, -1.0, 0.0]], atol=1e-6)


def test_fused_cross_entropy_unbatched() -> None:
    x = ag.tensor([0.5, -1.0, 2.0], dtype=ag.float64, requires_grad=True)
    none = F.cross_entropy(x, ag.tensor(1), reduction="none")
    assert none.shape == ()
    mean = F.cross_entropy(x, ag.tensor(1))
    expected = math.log(sum(math.exp(v) for v in (0.5, -1.0, 2.0))) + 1.0
    assert none.item() == pytest.approx(expected) and mean.item() == pytest.approx(expected)


def test_fused_cross_entropy_gradcheck_and_second_order() -> None:
    rng = np.random.default_rng(1)
    x = ag.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    target = ag.tensor([0, 2, 1, 2])
    for reduction in ("mean", "sum", "none"):
        def loss(t: ag.Tensor, reduction: str = reduction) -> ag.Tensor:
            return F.cross_entropy(t, target, reduction=reduction)

        assert ag.gradcheck(loss, (x,))
        assert ag.gradgradcheck(loss, (x,))


def test_fused_cross_entropy_retain_graph_backward_twice() -> None:
    x = ag.tensor([[0.3, -0.2, 0.9]], requires_grad=True)
    loss = F.cross_entropy(x, ag.tensor([0]))
    loss.backward(retain_graph=True)
    first = x.grad.data.copy()
    loss.backward()
    np.testing.assert_allclose(x.grad.data, 2 * first, rtol=1e-6)


@pytest.mark.parametrize("kwargs, target", [
    ({"weight": ag.tensor([1.0, 2.0, 0.5])}, [0, 2]),
    ({"label_smoothing": 0.1}, [0, 2]),
    ({"ignore_index": 2}, [0, 2]),
    ({}, [0, -100]),  # the default ignore_index is present
])
def test_other_cases_take_the_general_path(kwargs: dict, target: list) -> None:
    x = ag.tensor([[0.1, 0.2, 0.3], [1.0, -1.0, 0.0]], requires_grad=True)
    loss = F.cross_entropy(x, ag.tensor(target), **kwargs)
    assert loss.grad_fn.name() == "CrossEntropyLossBackward"


def test_the_usual_call_is_recognised_in_one_go_and_nothing_else_is() -> None:
    """cross_entropy checks the usual call (float (N, C) logits, int64 (N,) indices in range,
    none ignored, on the host) in one test; every other call gets the general checks."""
    from nn.functional import _usual_class_indices

    x = ag.tensor([[0.1, 0.2, 0.3], [1.0, -1.0, 0.0]], requires_grad=True)
    assert _usual_class_indices(x, ag.tensor([0, 2]), -100)
    assert _usual_class_indices(x.double(), ag.tensor([2, 2]), -100)
    for input, target, ignore in [
        (x, ag.tensor([0, 2], dtype=ag.uint8), -100),  # uint8 indices: allowed, not usual
        (x, ag.tensor([0, 2]), 2),  # an ignored class is present
        (x, ag.tensor([0, 3]), -100),  # out of range: the general path raises
        (x, ag.tensor([0, -1]), -100),
        (x, ag.tensor([0]), -100),  # batch sizes differ
        (x, ag.tensor([[0], [2]]), -100),
        (x, ag.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]), -100),  # probabilities
        (x[0], ag.tensor(1), -100),  # unbatched
        (ag.tensor([[1, 2], [3, 4]]), ag.tensor([0, 1]), -100),  # integer logits
        (x, [0, 2], -100),  # not a Tensor
        (x.data, ag.tensor([0, 2]), -100),
        (ag.zeros(0, 3), ag.zeros(0, dtype=ag.int64), -100),  # an empty batch
    ]:
        assert not _usual_class_indices(input, target, ignore), (input, target, ignore)
    with pytest.raises(ValueError, match="Expected input batch_size"):  # PyTorch's type
        F.cross_entropy(x, ag.tensor([0]))
    with pytest.raises(TypeError, match=r"'target' \(position 2\) must be Tensor, not list"):
        F.cross_entropy(x, [0, 2])
    with pytest.raises(TypeError, match="floating point"):
        F.cross_entropy(ag.tensor([[1, 2], [3, 4]]), ag.tensor([0, 1]))


def test_ignore_index_inside_class_range_but_absent_is_fused() -> None:
    x = ag.tensor([[0.1, 0.2, 0.3], [1.0, -1.0, 0.0]], requires_grad=True)
    loss = F.cross_entropy(x, ag.tensor([0, 2]), ignore_index=1)
    assert loss.grad_fn.name() == "CrossEntropyIndexLossBackward"
    assert loss.item() == pytest.approx(F.cross_entropy(x, ag.tensor([0, 2])).item())


def test_out_of_range_target_still_raises() -> None:
    x = ag.tensor([[0.1, 0.2, 0.3]], requires_grad=True)
    with pytest.raises(IndexError, match="Target 3 is out of bounds"):
        F.cross_entropy(x, ag.tensor([3]))


def test_fused_cross_entropy_against_torch() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    logits = rng.standard_normal((6, 4)).astype(np.float32)
    target = rng.integers(0, 4, 6)
    x = ag.tensor(logits, requires_grad=True)
    loss = nn.CrossEntropyLoss()(x, ag.tensor(target))
    loss.backward()
    tx = torch.tensor(logits, requires_grad=True)
    tloss = torch.nn.CrossEntropyLoss()(tx, torch.tensor(target))
    tloss.backward()
    assert loss.item() == pytest.approx(tloss.item(), rel=1e-6)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_plain_sgd_step_formula_and_grad_untouched() -> None:
    w = ag.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
    b = ag.tensor([0.25, -0.75], requires_grad=True)
    unused = ag.tensor([9.0], requires_grad=True)
    opt = optim.SGD([w, b, unused], lr=0.1)
    w_array = w.data
    w.grad = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
    b.grad = ag.tensor([-1.0, 1.0])
    opt.step()
    np.testing.assert_allclose(w.data, [[0.9, -2.2], [0.2, 2.6]], rtol=1e-6)
    np.testing.assert_allclose(b.data, [0.35, -0.85], rtol=1e-6)
    assert unused.data[0] == 9.0  # no gradient: no update
    assert w.data is w_array  # updated in place
    np.testing.assert_array_equal(w.grad.data, [[1.0, 2.0], [3.0, 4.0]])  # p.grad unchanged


def test_plain_sgd_equals_general_path() -> None:
    """momentum=0 takes the plain loop; a zero dampening momentum run of one step equals it."""
    rng = np.random.default_rng(3)
    start = rng.standard_normal((3, 4)).astype(np.float32)
    grad = rng.standard_normal((3, 4)).astype(np.float32)
    results = []
    for momentum in (0.0, 0.9):  # the first step of momentum SGD is theta - lr g too
        p = ag.tensor(start.copy(), requires_grad=True)
        p.grad = ag.tensor(grad)
        optim.SGD([p], lr=0.05, momentum=momentum).step()
        results.append(p.data.copy())
    np.testing.assert_array_equal(results[0], results[1])
    np.testing.assert_array_equal(results[0], start - grad * np.float32(0.05))


UNARY_OPS = sorted(
    {cls for module in (U, A, S, arithmetic) for cls in vars(module).values()
     if isinstance(cls, type) and issubclass(cls, fn.UnaryFunction)} - {fn.UnaryFunction},
    key=lambda cls: cls.__name__,
)


def _node_record(t: ag.Tensor) -> tuple:
    """What a node holds, in comparable form: edges, saved values, their sources, versions."""
    node = t.grad_fn
    saved = [np.asarray(v).tolist() for v in node.saved_tensors]
    versions = [(id(x), v) for x, v in node._versions or ()]
    return (node.next_functions, saved, getattr(node, "_saved_src", None), versions,
            node._out_shape,
            node._out_dtype)


# inside every op's domain (asin, acos, log, sqrt) and away from the kinks (abs, relu, sign)
UNARY_INPUT = np.array([[0.15, 0.5], [0.85, 0.35]], np.float64)


def test_every_one_input_op_takes_the_unrolled_apply() -> None:
    assert len(UNARY_OPS) >= 25
    for cls in UNARY_OPS:
        assert cls.apply.__func__ is fn._apply_one, cls.__name__


@pytest.mark.parametrize("cls", UNARY_OPS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("leaf", [True, False])
def test_one_input_fast_path_records_what_the_general_path_records(cls: type,
                                                                   leaf: bool) -> None:
    x = ag.tensor(UNARY_INPUT, requires_grad=True)
    source = x if leaf else x * 1.0
    fast = cls.apply(source)
    general = fn._general_apply(cls, source)
    assert type(fast.grad_fn) is type(general.grad_fn) is cls
    np.testing.assert_array_equal(fast.data, general.data)
    assert _node_record(fast) == _node_record(general)
    g = np.array([[1.0, -2.0], [0.5, 3.0]])
    fast.backward(ag.tensor(g), retain_graph=True)
    fast_grad = x.grad.numpy().copy()
    x.grad = None
    general.backward(ag.tensor(g))
    np.testing.assert_array_equal(fast_grad, x.grad.numpy())


@pytest.mark.parametrize("name", ["log", "sin", "cos", "abs"])
def test_one_input_fast_path_keeps_the_in_place_check(name: str) -> None:
    # these save their input x: changing a leaf x in place before backward must be refused
    x = ag.tensor([0.3, 0.6], requires_grad=True)
    y = getattr(x, name)()
    with ag.no_grad():
        x.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_one_input_fast_path_falls_back_where_it_does_not_apply() -> None:
    x = ag.tensor([0.5, -1.0], requires_grad=True)
    with ag.no_grad():
        y = x.sigmoid()
        assert U.Exp.apply(np.array([0.0, 1.0])).grad_fn is None  # an array, under no_grad
    assert y.grad_fn is None and not y.requires_grad
    np.testing.assert_allclose(y.numpy(), 1 / (1 + np.exp(-x.detach().numpy())), rtol=1e-6)
    assert ag.tensor([0.5]).exp().grad_fn is None  # no input needs a gradient
    assert U.Exp.apply(np.array([0.0, 1.0])).grad_fn is None  # an array, not a Tensor
    with ag.detect_anomaly():
        y = x.sigmoid()
    assert y.grad_fn._trace  # anomaly mode records where the op was created
    z = x.relu().sigmoid().tanh()
    (gx,) = ag.grad(z.sum(), x, create_graph=True)
    (ggx,) = ag.grad(gx.sum(), x)  # through the fast path's nodes, second order
    assert ag.gradcheck(lambda t: t.relu().sigmoid().tanh(), (ag.tensor([0.5, 0.7],
                        dtype=ag.float64, requires_grad=True),))
    assert ag.gradgradcheck(lambda t: t.sigmoid().tanh().exp(), (ag.tensor(
        [0.5, -0.7], dtype=ag.float64, requires_grad=True),))
    assert np.isfinite(ggx.numpy()).all()


def _linear_case(x_grad: bool, bias: bool, x_leaf: bool):
    rng = np.random.default_rng(1)
    x = ag.tensor(rng.standard_normal((4, 3)), requires_grad=x_grad)
    w = ag.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    b = ag.tensor(rng.standard_normal(2), requires_grad=True) if bias else None
    source = x if x_leaf else x * 1.0
    return x, w, b, source


@pytest.mark.parametrize("x_grad", [False, True])
@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("x_leaf", [False, True])
def test_linear_fast_path_records_what_the_general_path_records(x_grad: bool, bias: bool,
                                                                x_leaf: bool) -> None:
    assert linalg.Linear.apply.__func__ is fn._apply_linear
    x, w, b, source = _linear_case(x_grad, bias, x_leaf)
    fast = linalg.Linear.apply(source, w, b)
    general = fn._general_apply(linalg.Linear, source, w, b)
    np.testing.assert_array_equal(fast.data, general.data)
    assert _node_record(fast) == _node_record(general)
    params = [p for p in (x, w, b) if p is not None and p.requires_grad]
    fast.sum().backward(retain_graph=True)  # x * 1.0 is in both graphs
    fast_grads = [p.grad.numpy().copy() for p in params]
    for p in params:
        p.grad = None
    general.sum().backward()
    for got, p in zip(fast_grads, params):
        np.testing.assert_array_equal(got, p.grad.numpy())


@pytest.mark.parametrize("which", ["input", "weight"])
def test_linear_fast_path_keeps_the_in_place_check(which: str) -> None:
    # an optimizer step (or x.add_) between forward and backward would give wrong gradients
    x, w, b, _ = _linear_case(False, True, True)
    out = F.linear(x, w, b)
    with ag.no_grad():
        (x if which == "input" else w).mul_(2.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


def test_linear_fast_path_falls_back_and_second_order() -> None:
    x, w, b, _ = _linear_case(False, True, True)
    with ag.no_grad():  # the forward alone, with linear's errors
        out = F.linear(x, w, b)
        with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied"):
            F.linear(ag.ones(4, 5, dtype=ag.float64), w)
    assert out.grad_fn is None and not out.requires_grad
    np.testing.assert_allclose(out.numpy(), x.numpy() @ w.detach().numpy().T + b.detach().numpy())
    w.requires_grad_(False)
    b.requires_grad_(False)
    assert F.linear(x, w, b).grad_fn is None  # nothing needs a gradient
    out = linalg.Linear.apply(x.numpy(), w, None)  # an array input: the general path
    assert out.data.shape == (4, 2)
    w.requires_grad_(True)
    xs = ag.tensor(np.random.default_rng(2).standard_normal((4, 3)), requires_grad=True)
    assert ag.gradgradcheck(lambda t, W: F.linear(t, W).sigmoid(), (xs, w))
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied"):
        F.linear(ag.ones(4, 5, dtype=ag.float64), w)


# --- ops of two operands ---------------------------------------------------------------------

BINARY_OPS = [arithmetic.Add, arithmetic.Sub, arithmetic.Mul, arithmetic.Div, arithmetic.Pow,
              SEL.Maximum, SEL.Minimum, linalg.MatMul, L.MSELoss]


def _binary_operands(kind: str, rng: np.random.Generator, shape: tuple) -> tuple:
    """(operand, the leaf whose .grad it reaches or None): kinds of operand a user passes."""
    data = rng.uniform(0.5, 1.5, shape)  # positive: Pow's log, Div's divisor
    if kind == "leaf":
        x = ag.tensor(data, requires_grad=True)
        return x, x
    if kind == "inner":
        x = ag.tensor(data, requires_grad=True)
        return x * 1.0, x
    if kind == "constant":  # a Tensor that needs no gradient (the target, the data)
        return ag.tensor(data), None
    return 0.75, None  # a Python number


def _binary_args(cls: type, a: object, b: object) -> tuple:
    return (a, b, "mean") if cls is L.MSELoss else (a, b)


def test_every_two_operand_op_takes_the_unrolled_apply() -> None:
    for cls in BINARY_OPS:
        assert cls.apply.__func__ is fn._apply_two, cls.__name__


OPERAND_KINDS = [("leaf", "leaf"), ("inner", "leaf"), ("leaf", "constant"),
                 ("inner", "constant"), ("constant", "inner"), ("leaf", "number"),
                 ("number", "inner")]


@pytest.mark.parametrize("cls,kinds", [
    (cls, kinds) for cls in BINARY_OPS for kinds in OPERAND_KINDS
    if "number" not in kinds or cls not in (linalg.MatMul, L.MSELoss)  # Tensors only
], ids=lambda v: v.__name__ if isinstance(v, type) else "-".join(v))
def test_two_operand_fast_path_records_what_the_general_path_records(cls: type,
                                                                     kinds: tuple) -> None:
    rng = np.random.default_rng(4)
    shapes = ((3, 4), (4, 2)) if cls is linalg.MatMul else ((3, 4), (3, 4))
    a, leaf_a = _binary_operands(kinds[0], rng, shapes[0])
    b, leaf_b = _binary_operands(kinds[1], rng, shapes[1])
    fast = cls.apply(*_binary_args(cls, a, b))
    general = fn._general_apply(cls, *_binary_args(cls, a, b))
    assert type(fast.grad_fn) is type(general.grad_fn) is cls
    np.testing.assert_array_equal(fast.data, general.data)
    assert _node_record(fast) == _node_record(general)
    leaves = [p for p in (leaf_a, leaf_b) if p is not None]
    upstream = ag.tensor(rng.standard_normal(fast.shape))
    fast.backward(upstream, retain_graph=True)  # x * 1.0 is in both graphs
    fast_grads = [p.grad.numpy().copy() for p in leaves]
    for p in leaves:
        p.grad = None
    general.backward(upstream)
    for got, p in zip(fast_grads, leaves):
        np.testing.assert_array_equal(got, p.grad.numpy())


@pytest.mark.parametrize("op", ["mul", "div", "matmul", "mse_input", "mse_target"])
def test_two_operand_fast_path_keeps_the_in_place_check(op: str) -> None:
    # a saved leaf changed in place between forward and backward would give wrong gradients
    x = ag.tensor([[0.3, 0.6], [0.2, 0.9]], requires_grad=True)
    y = ag.tensor([[1.5, 0.5], [2.0, 1.0]])
    out = {"mul": lambda: x * y, "div": lambda: x / y, "matmul": lambda: x @ y,
           "mse_input": lambda: F.mse_loss(x, y), "mse_target": lambda: F.mse_loss(x, y)}[op]()
    with ag.no_grad():
        (y if op in ("mul", "div", "matmul", "mse_target") else x).mul_(2.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


def test_two_operand_fast_path_falls_back_and_second_order() -> None:
    x = ag.tensor([0.5, 1.5], dtype=ag.float64, requires_grad=True)
    y = ag.tensor([2.0, 0.25], dtype=ag.float64, requires_grad=True)
    with ag.no_grad():
        z = x * y
    assert z.grad_fn is None and not z.requires_grad
    np.testing.assert_array_equal(z.numpy(), [1.0, 0.375])
    assert (ag.tensor([1.0]) * ag.tensor([2.0])).grad_fn is None  # nothing needs a gradient
    with ag.detect_anomaly():
        z = x * y
    assert z.grad_fn._trace  # anomaly mode records where the op was created
    with pytest.raises(RuntimeError, match="must match the size"):
        x * ag.ones(3, dtype=ag.float64)  # numpy's broadcast error, as PyTorch words it
    for f in (lambda a, b: a * b, lambda a, b: a / b, lambda a, b: a**b,
              lambda a, b: ag.maximum(a, b * 0.5), lambda a, b: F.mse_loss(a, b),
              lambda a, b: F.mse_loss(a, b, reduction="sum"),
              lambda a, b: F.mse_loss(a, b, reduction="none")):
        assert ag.gradcheck(f, (x, y))
        assert ag.gradgradcheck(f, (x, y))


def test_mse_loss_gradient_by_hand_and_against_torch() -> None:
    x = ag.tensor([[0.5, 1.0], [2.0, -1.0]], requires_grad=True)
    t = ag.tensor([[1.0, 1.0], [0.0, 0.0]], requires_grad=True)
    loss = F.mse_loss(x, t)
    assert loss.item() == pytest.approx((0.25 + 0 + 4 + 1) / 4)
    loss.backward()
    diff = np.array([[-0.5, 0.0], [2.0, -1.0]], np.float32)
    np.testing.assert_allclose(x.grad.numpy(), 2 * diff / 4, rtol=1e-7)
    np.testing.assert_allclose(t.grad.numpy(), -2 * diff / 4, rtol=1e-7)
    torch = pytest.importorskip("torch")
    tx = torch.tensor(x.detach().numpy(), requires_grad=True)
    tt = torch.tensor(t.detach().numpy(), requires_grad=True)
    torch.nn.functional.mse_loss(tx, tt).backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
    np.testing.assert_array_equal(t.grad.numpy(), tt.grad.numpy())
