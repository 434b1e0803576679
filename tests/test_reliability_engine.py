"""The engine's silent wrong answers, each checked by several routes against PyTorch.

1. An in-place write to a value that backward will read raises, wherever the write
   comes from (the tensor itself, ``detach()``, a view, an op's saved output, an
   optimizer step); a write nobody saved, ``.data`` and a fresh clone do not.
2. ``.grad`` refuses a value of another shape, dtype or type.
3. Backward passes from several threads into shared leaves lose no gradient.
4. An exception (KeyboardInterrupt included) raised from a hook or a Function, at
   any point of forward or backward, leaves grad mode and anomaly mode as they were
   and leaves other threads alone.
5. Reading ``.grad`` of a non-leaf warns, as in PyTorch.
6. ``set_detect_anomaly`` works as a call and as a context.
7. ``grad_fn.next_functions`` and grad_fn names are PyTorch's.

Every scenario is written once over a namespace ``L`` (``L.ag``, ``L.nn``, ``L.F``,
``L.optim``) and run on our library; where PyTorch is installed it runs there too,
and both must raise, or both must give the same numbers.
"""

from __future__ import annotations

import threading
import types
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import optim

OURS = types.SimpleNamespace(ag=ag, nn=nn, F=F, optim=optim)
INPLACE = "modified by an inplace operation"


def _torch_namespace():
    torch = pytest.importorskip("torch")
    return types.SimpleNamespace(ag=torch, nn=torch.nn, F=torch.nn.functional, optim=torch.optim)


def _numbers(result) -> list[np.ndarray]:
    """What a scenario returned (a Tensor or a tuple of them), as numpy arrays."""
    if not isinstance(result, (tuple, list)):
        result = (result,)
    return [np.asarray(r.detach().numpy() if hasattr(r, "detach") else r) for r in result]


# --- 1. in-place writes to saved values ----------------------------------------------------------

def _intermediate_add(L):
    x = L.ag.ones(3, requires_grad=True)
    h = x * 2
    z = (h * h).sum()
    with L.ag.no_grad():
        h.add_(1)
    z.backward()


def _leaf_through_detach(write):
    def scenario(L):
        w = L.ag.ones(2, 3, requires_grad=True)
        z = (w * w).sum()
        write(w.detach())
        z.backward()
    return scenario


def _intermediate_under_no_grad(write, shape=(2, 3)):
    def scenario(L):
        x = L.ag.ones(*shape, requires_grad=True)
        h = x * 2
        z = (h * h).sum()
        with L.ag.no_grad():
            write(h)
        z.backward()
    return scenario


def _saved_output(op, write):
    def scenario(L):
        x = L.ag.full((2, 3), 0.5, requires_grad=True)
        y = op(x * 1)
        z = y.sum()
        with L.ag.no_grad():
            write(y)
        z.backward()
    return scenario


def _saved_view_of_intermediate(L):
    x = L.ag.ones(2, 3, requires_grad=True)
    h = x * 2
    v = h[0]
    z = (v * v).sum()
    with L.ag.no_grad():
        h[1].add_(1)  # another row, same memory: PyTorch counts versions per storage
    z.backward()


def _saved_expand_of_leaf(L):
    w = L.ag.ones(3, requires_grad=True)
    e = w.expand(2, 3)
    z = (e * e).sum()
    with L.ag.no_grad():
        w.mul_(3)
    z.backward()


def _base_written_after_saving_its_view(L):
    w = L.ag.ones(2, 3, requires_grad=True)
    t = w.t()
    z = (t * t).sum()
    w.detach()[0, 0] = 7
    z.backward()


def _setitem(t, index, value):
    t[index] = value


def _between_two_backwards(L):
    w = L.ag.ones(3, requires_grad=True)
    z = (w.exp() * w).sum()
    z.backward(retain_graph=True)
    w.detach().add_(1)
    z.backward()


def _through_autograd_grad(L):
    w = L.ag.ones(3, requires_grad=True)
    h = w * 3
    z = (h * h.tanh()).sum()
    with L.ag.no_grad():
        h[0] = 0.0
    L.ag.autograd.grad(z, w)


def _custom_function(save_output):
    def scenario(L):
        class Cube(L.ag.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                y = x * x * x
                ctx.save_for_backward(y if save_output else x)
                return y

            @staticmethod
            def backward(ctx, grad):
                (s,) = ctx.saved_tensors  # x, or y = x^3: dy/dx = 3x^2 = 3y^(2/3)
                return grad * 3 * (s ** (2 / 3) if save_output else s * s)

        x = L.ag.full((3,), 2.0, requires_grad=True)
        h = x * 1
        y = Cube.apply(h)
        with L.ag.no_grad():
            (y if save_output else h).add_(1)
        y.sum().backward()
    return scenario


def _optimizer_step(name, options):
    def scenario(L):
        L.ag.manual_seed(0)
        model = L.nn.Linear(3, 2)
        opt = getattr(L.optim, name)(model.parameters(), **options)
        x = L.ag.ones(4, 3, requires_grad=True)  # so the weight is needed and saved
        loss = model(x).pow(2).sum()
        loss.backward(retain_graph=True)
        opt.step()
        loss.backward()
    return scenario


RAISES = {
    "intermediate-add_": _intermediate_add,
    "detach-mul_": _leaf_through_detach(lambda d: d.mul_(0)),
    "detach-slice-zero_": _leaf_through_detach(lambda d: d[0:2].zero_()),
    "detach-row-slice-zero_": _leaf_through_detach(lambda d: d[:, 1:].zero_()),
    "detach-setitem": _leaf_through_detach(lambda d: _setitem(d, 1, 5.0)),
    "detach-setitem-element": _leaf_through_detach(lambda d: _setitem(d, (1, 2), 5.0)),
    "detach-reshape": _leaf_through_detach(lambda d: d.reshape(6).mul_(2)),
    "detach-view": _leaf_through_detach(lambda d: d.view(3, 2)[0].fill_(4.0)),
    "detach-transpose": _leaf_through_detach(lambda d: d.transpose(0, 1).add_(1)),
    "detach-t": _leaf_through_detach(lambda d: d.t()[0].add_(1)),
    "detach-T": _leaf_through_detach(lambda d: d.T.mul_(2)),
    "detach-unsqueeze": _leaf_through_detach(lambda d: d.unsqueeze(0).add_(1)),
    "detach-squeeze": _leaf_through_detach(lambda d: d.unsqueeze(1).squeeze(1).add_(1)),
    "detach-flatten": _leaf_through_detach(lambda d: d.flatten().add_(1)),
    "detach-detach-view": _leaf_through_detach(lambda d: d.detach()[0].detach().add_(1)),
    "detach-copy_": _leaf_through_detach(lambda d: d.copy_(d * 0 + 3)),
    "saved-view-of-intermediate": _saved_view_of_intermediate,
    "saved-expand-of-leaf": _saved_expand_of_leaf,
    "saved-transpose-base-written": _base_written_after_saving_its_view,
    "exp-output": _saved_output(lambda h: h.exp(), lambda y: y.mul_(2)),
    "tanh-output": _saved_output(lambda h: h.tanh(), lambda y: y.add_(1)),
    "sigmoid-output": _saved_output(lambda h: h.sigmoid(), lambda y: y.zero_()),
    "sigmoid-output-view": _saved_output(lambda h: h.sigmoid(), lambda y: y[0].fill_(0.0)),
    "copy_": _intermediate_under_no_grad(lambda h: h.copy_(h * 3)),
    "fill_": _intermediate_under_no_grad(lambda h: h.fill_(0.5)),
    "zero_": _intermediate_under_no_grad(lambda h: h.zero_()),
    "clamp_": _intermediate_under_no_grad(lambda h: h.clamp_(0, 1)),
    "setitem": _intermediate_under_no_grad(lambda h: _setitem(h, 0, 9.0)),
    "setitem-slice": _intermediate_under_no_grad(lambda h: _setitem(h, (slice(None), 1), 9.0)),
    "relu_": _intermediate_under_no_grad(lambda h: h.relu_()),
    "sub_-view": _intermediate_under_no_grad(lambda h: h.view(6).sub_(1)),
    "between-two-backwards": _between_two_backwards,
    "autograd.grad": _through_autograd_grad,
    "Function-saved-input": _custom_function(save_output=False),
    "Function-saved-output": _custom_function(save_output=True),
    "SGD-step": _optimizer_step("SGD", {"lr": 0.1}),
    "SGD-momentum-step": _optimizer_step("SGD", {"lr": 0.1, "momentum": 0.9}),
    "Adam-step": _optimizer_step("Adam", {"lr": 0.1}),
}


def _module(L, name):
    return {"init": L.nn.init, "F": L.F}[name]


# Every way of writing into the memory of a saved leaf, through w.detach() (d below).
WRITE_ROUTES = {
    "chunk": lambda L, d: d.chunk(2)[0].zero_(),
    "split": lambda L, d: d.split(1)[1].zero_(),
    "unbind": lambda L, d: d.unbind(0)[0].zero_(),
    "narrow": lambda L, d: d.narrow(1, 0, 2).zero_(),
    "permute": lambda L, d: d.permute(1, 0).zero_(),
    "swapaxes": lambda L, d: d.swapaxes(0, 1).zero_(),
    "view_as": lambda L, d: d.view_as(d).zero_(),
    "reshape_as": lambda L, d: d.reshape_as(d).zero_(),
    "contiguous": lambda L, d: d.contiguous().zero_(),
    "step-slice": lambda L, d: d[:, ::2].zero_(),
    "negative-index": lambda L, d: d[-1].zero_(),
    "ellipsis": lambda L, d: d[..., 0].zero_(),
    "None-index": lambda L, d: d[None].zero_(),
    "setitem-list": lambda L, d: _setitem(d, [0, 1], 0.0),
    "setitem-mask": lambda L, d: _setitem(d, d > 0, 0.0),
    "masked_fill_": lambda L, d: d.masked_fill_(d > 0, 0.0),
    "div_": lambda L, d: d.div_(2),
    "sigmoid_": lambda L, d: d.sigmoid_(),
    "exp_": lambda L, d: d.exp_(),
    "tanh_": lambda L, d: d.tanh_(),
    "abs_": lambda L, d: d.abs_(),
    "neg_": lambda L, d: d.neg_(),
    "sqrt_": lambda L, d: d.sqrt_(),
    "uniform_": lambda L, d: d.uniform_(),
    "normal_": lambda L, d: d.normal_(),
    "+=": lambda L, d: d.__iadd__(1),
    "*=": lambda L, d: d.__imul__(2),
    "/=": lambda L, d: d.__itruediv__(2),
    "-=-view": lambda L, d: d[0].__isub__(1),
    "nn.init.zeros_": lambda L, d: _module(L, "init").zeros_(d),
    "nn.init.normal_": lambda L, d: _module(L, "init").normal_(d),
    "F.relu-inplace": lambda L, d: _module(L, "F").relu(d, inplace=True),
}
RAISES.update({f"route-{k}": (lambda write: lambda L: _leaf_through_detach(
    lambda d: write(L, d))(L))(v) for k, v in WRITE_ROUTES.items()})


@pytest.mark.parametrize("name", list(RAISES))
def test_a_write_to_a_saved_value_raises(name):
    with pytest.raises(RuntimeError, match=INPLACE):
        RAISES[name](OURS)


@pytest.mark.parametrize("name", list(RAISES))
def test_pytorch_raises_for_the_same_writes(name):
    with pytest.raises(RuntimeError, match=INPLACE):
        RAISES[name](_torch_namespace())


def _input_of_add(L):
    x = L.ag.ones(3, requires_grad=True)
    h = x * 2
    y = h + 1
    with L.ag.no_grad():
        h.add_(1)
    y.sum().backward()
    return x.grad


def _input_of_output_saving_op(op):
    def scenario(L):
        x = L.ag.tensor([0.1, -0.2, 0.3], requires_grad=True)
        h = x * 2
        y = op(h)
        with L.ag.no_grad():
            h.mul_(5)
        y.sum().backward()
        return x.grad
    return scenario


def _data_write(L):
    w = L.ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    z = (w * w).sum()
    w.data.mul_(0.5)
    z.backward()
    return w.grad, w


def _data_setitem(L):
    w = L.ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    z = (w.exp()).sum()
    w.data[0] = 4.0
    z.backward()
    return w.grad


def _data_of_detach(L):
    w = L.ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    z = (w * w).sum()
    w.detach().data.mul_(2)  # .data of any alias: invisible to the version counter
    z.backward()
    return w.grad


def _clone_write(L):
    x = L.ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = x * x
    c = h.clone()
    with L.ag.no_grad():
        c.add_(10)
    h.sum().backward()
    return x.grad, c


def _write_after_backward(L):
    x = L.ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    z = (h * h).sum()
    z.backward()
    with L.ag.no_grad():
        h.add_(1)  # the graph is gone: nothing left to read h
    return x.grad


def _write_before_use(L):
    x = L.ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    with L.ag.no_grad():
        h.add_(1)
    z = (h * h).sum()  # saved after the write: its version is the current one
    z.backward()
    return x.grad


def _inplace_with_grad_then_backward(L):
    x = L.ag.tensor([1.0, -2.0, 3.0], requires_grad=True)
    h = x * 2
    h.mul_(3)  # recorded in place: backward goes through the write
    h.relu_()
    h.sum().backward()
    return x.grad


SUCCEEDS = {
    "add-saves-nothing": (_input_of_add, [np.array([2.0, 2.0, 2.0])]),
    "sigmoid-input": (_input_of_output_saving_op(lambda h: h.sigmoid()), None),
    "exp-input": (_input_of_output_saving_op(lambda h: h.exp()), None),
    "tanh-input": (_input_of_output_saving_op(lambda h: h.tanh()), None),
    "data-mul_": (_data_write, [np.array([1.0, 2.0, 3.0]), np.array([0.5, 1.0, 1.5])]),
    "data-setitem": (_data_setitem, None),
    "data-of-detach": (_data_of_detach, [np.array([4.0, 8.0, 12.0])]),
    "clone": (_clone_write, [np.array([2.0, 4.0, 6.0]), np.array([11.0, 14.0, 19.0])]),
    "after-backward": (_write_after_backward, [np.array([18.0, 36.0])]),
    "before-use": (_write_before_use, [np.array([24.0, 42.0])]),
    "recorded-inplace": (_inplace_with_grad_then_backward, [np.array([6.0, 0.0, 6.0])]),
}


@pytest.mark.parametrize("name", list(SUCCEEDS))
def test_a_write_nobody_saved_does_not_raise(name):
    scenario, expected = SUCCEEDS[name]
    got = _numbers(scenario(OURS))
    if expected is not None:
        for g, e in zip(got, expected, strict=True):
            np.testing.assert_allclose(g, e, rtol=1e-6)
    assert all(np.isfinite(g).all() for g in got)


@pytest.mark.parametrize("name", list(SUCCEEDS))
def test_a_write_nobody_saved_gives_pytorchs_numbers(name):
    scenario, _ = SUCCEEDS[name]
    want = _numbers(scenario(_torch_namespace()))
    got = _numbers(scenario(OURS))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-7)


def test_the_data_write_gives_the_gradient_of_the_new_values():
    # PyTorch: w*w saved w's memory, so the gradient uses the values .data wrote
    w = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    z = (w * w).sum()
    w.data.mul_(0.5)
    z.backward()
    np.testing.assert_array_equal(w.grad.numpy(), [1.0, 2.0, 3.0])


VERSION_WRITES = [
    ("add_", lambda t: t.add_(1)),
    ("mul_", lambda t: t.mul_(2)),
    ("zero_", lambda t: t.zero_()),
    ("fill_", lambda t: t.fill_(3.0)),
    ("clamp_", lambda t: t.clamp_(0, 1)),
    ("copy_", lambda t: t.copy_(t * 0 + 1)),
    ("setitem", lambda t: _setitem(t, 0, 2.0)),
    ("relu_", lambda t: t.relu_()),
    ("detach-add_", lambda t: t.detach().add_(1)),
    ("view-add_", lambda t: t[1:].add_(1)),
    ("transpose-sub_", lambda t: t.t().sub_(1)),
]


def _versions(L):
    t = L.ag.zeros(2, 2)
    d = t.detach()
    v = t[0]
    tv = t.view(4)
    seen = [(t._version, d._version, v._version, tv._version)]
    for _, write in VERSION_WRITES:
        write(t)
        seen.append((t._version, d._version, v._version, tv._version))
    return seen


def test_version_counts_each_write_and_is_shared_by_detach_and_views():
    seen = _versions(OURS)
    assert seen == [(k, k, k, k) for k in range(len(VERSION_WRITES) + 1)]


def test_version_counts_like_pytorch():
    assert _versions(OURS) == _versions(_torch_namespace())


def test_writes_through_any_alias_move_every_alias_version():
    t = ag.zeros(2, 3)
    aliases = [t, t.detach(), t[0], t[:, 1], t.t(), t.reshape(6), t.unsqueeze(0), t.flatten()]
    for k, alias in enumerate(aliases, start=1):
        alias.add_(1)
        assert [a._version for a in aliases] == [k] * len(aliases)
    expected = np.full((2, 3), len(aliases) - 2.0)  # all but t[0] and t[:, 1] cover all of t
    expected[0] += 1
    expected[:, 1] += 1
    np.testing.assert_array_equal(t.numpy(), expected)


def test_data_has_its_own_counter():
    t = ag.zeros(3, requires_grad=True)
    d = t.data
    d.add_(1)
    d[0] = 5.0
    assert d._version == 2
    assert t._version == 0
    t.detach().add_(1)
    assert t._version == 1
    assert d._version == 2
    np.testing.assert_array_equal(t.detach().numpy(), [6.0, 2.0, 2.0])


def test_data_has_its_own_counter_like_pytorch():
    torch = _torch_namespace().ag
    for lib in (ag, torch):
        t = lib.zeros(3, requires_grad=True)
        d = t.data
        d.add_(1)
        assert (d._version, t._version) == (1, 0), lib.__name__


def test_the_error_names_the_versions():
    w = ag.ones(3, requires_grad=True)
    z = (w * w).sum()
    w.detach().mul_(0)
    w.detach().mul_(0)
    with pytest.raises(RuntimeError, match=r"version 2.*version 0|is at version 2"):
        z.backward()


# --- 2. .grad assignment -------------------------------------------------------------------------

BAD_GRADS = [
    ("size-3", lambda L: L.ag.zeros(3), RuntimeError, "different size"),
    ("size-1", lambda L: L.ag.zeros(1), RuntimeError, "different size"),
    ("size-3x2", lambda L: L.ag.zeros(3, 2), RuntimeError, "different size"),
    ("float64", lambda L: L.ag.zeros(2, 3, dtype=L.ag.float64), RuntimeError, "different type"),
    ("int64", lambda L: L.ag.zeros(2, 3, dtype=L.ag.int64), RuntimeError, "different type"),
    ("ndarray", lambda L: np.zeros((2, 3), dtype=np.float32), TypeError,
     "expected to be a Tensor or None"),
    ("list", lambda L: [[0.0] * 3] * 2, TypeError, "expected to be a Tensor or None"),
    ("float", lambda L: 0.0, TypeError, "expected to be a Tensor or None"),
]


@pytest.mark.parametrize("case", BAD_GRADS, ids=[c[0] for c in BAD_GRADS])
@pytest.mark.parametrize("where", ["leaf", "parameter"])
def test_a_grad_that_does_not_fit_is_refused(case, where):
    _, make, error, words = case
    p = ag.zeros(2, 3, requires_grad=True) if where == "leaf" else nn.Linear(3, 2).weight
    p.grad = ag.ones(2, 3)
    with pytest.raises(error, match=words):
        p.grad = make(OURS)
    np.testing.assert_array_equal(p.grad.numpy(), np.ones((2, 3)))  # the old grad stays


@pytest.mark.parametrize("case", BAD_GRADS, ids=[c[0] for c in BAD_GRADS])
def test_pytorch_refuses_the_same_grads(case):
    _, make, error, words = case
    L = _torch_namespace()
    p = L.ag.zeros(2, 3, requires_grad=True)
    with pytest.raises(error):  # PyTorch 2.x words it "attempting to assign a gradient of size"
        p.grad = make(L)


def test_a_grad_that_fits_is_taken_and_none_clears_it():
    p = nn.Linear(3, 2).weight
    g = ag.full((2, 3), 2.0)
    p.grad = g
    assert p.grad is g
    p.grad = None
    assert p.grad is None
    opt = optim.SGD([p], lr=0.5)
    before = p.detach().numpy().copy()
    opt.step()  # no grad: nothing moves
    np.testing.assert_array_equal(p.detach().numpy(), before)
    p.grad = ag.ones(2, 3)
    opt.step()
    np.testing.assert_allclose(p.detach().numpy(), before - 0.5)


def test_a_refused_grad_leaves_the_optimizer_step_unchanged():
    p = ag.zeros(2, 3, requires_grad=True)
    p.grad = ag.ones(2, 3)
    for bad in (ag.ones(3), ag.ones(1)):
        with pytest.raises(RuntimeError):
            p.grad = bad
    optim.SGD([p], lr=1.0).step()
    np.testing.assert_array_equal(p.detach().numpy(), -np.ones((2, 3)))


# --- 3. backward from several threads ------------------------------------------------------------

THREADS = 4
PASSES = 300


def _run_threads(work, n=THREADS):
    errors = []
    barrier = threading.Barrier(n)

    def body(k):
        try:
            barrier.wait()
            work(k)
        except BaseException as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=body, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


# Large arrays matter: numpy lets go of the GIL while it adds them, so a read-add-write
# accumulation without a lock loses updates there (the engine before the redesign kept 68
# of 200 passes at this size); small ones show races between Python statements.
SIZES = [(5, PASSES), (200_000, 40)]


@pytest.mark.parametrize(("size", "passes"), SIZES)
def test_threads_backward_into_one_leaf_lose_nothing(size, passes):
    s = ag.zeros(size, dtype=ag.float64, requires_grad=True)
    base = np.arange(size, dtype=np.float64) % 7
    coeffs = [ag.tensor(base + k, dtype=ag.float64) for k in range(THREADS)]

    def work(k):
        for _ in range(passes):
            (s * coeffs[k]).sum().backward()

    _run_threads(work)
    expected = passes * sum(base + k for k in range(THREADS))
    np.testing.assert_array_equal(s.grad.numpy(), expected)


def test_threads_backward_through_shared_graph_parts_lose_nothing():
    s = ag.ones(3, dtype=ag.float64, requires_grad=True)
    b = ag.ones(3, dtype=ag.float64, requires_grad=True)

    def work(k):
        for _ in range(PASSES // 2):
            h = s * 2 + b  # two leaves, one of them reached by two paths below
            (h * s + b * (k + 1)).sum().backward()

    _run_threads(work)
    n = PASSES // 2
    # d/ds sum((2s + b) s) = 4s + b = 5, d/db = s + (k + 1) = k + 2
    np.testing.assert_array_equal(s.grad.numpy(), np.full(3, 5.0 * n * THREADS))
    expected_b = n * sum(k + 2 for k in range(THREADS))
    np.testing.assert_array_equal(b.grad.numpy(), np.full(3, float(expected_b)))


@pytest.mark.parametrize(("features", "passes"), [((3, 2), PASSES // 2), ((1000, 100), 20)])
def test_threads_backward_into_a_linear_layer_lose_nothing(features, passes):
    n_in, n_out = features
    layer = nn.Linear(n_in, n_out).double()
    x = ag.tensor(np.arange(4.0 * n_in).reshape(4, n_in) % 5, dtype=ag.float64)

    def work(k):
        for _ in range(passes):
            layer(x).sum().backward()

    _run_threads(work)
    n = passes * THREADS
    np.testing.assert_array_equal(layer.weight.grad.numpy(),
                                  n * np.tile(x.numpy().sum(0), (n_out, 1)))
    np.testing.assert_array_equal(layer.bias.grad.numpy(), np.full(n_out, n * 4.0))


def test_threads_retain_grad_their_own_non_leaves():
    s = ag.ones(4, dtype=ag.float64, requires_grad=True)
    results = {}

    def work(k):
        for i in range(50):
            h = s * (k + 1)
            h.retain_grad()
            (h * (i + 1)).sum().backward()
            assert h.retains_grad
            np.testing.assert_array_equal(h.grad.numpy(), np.full(4, i + 1.0))
        results[k] = True

    _run_threads(work)
    assert len(results) == THREADS
    # d/ds = (k + 1)(i + 1) summed over threads and passes
    expected = sum(k + 1 for k in range(THREADS)) * sum(i + 1 for i in range(50))
    np.testing.assert_array_equal(s.grad.numpy(), np.full(4, float(expected)))


def test_threads_backward_through_one_retained_graph_lose_nothing():
    s = ag.ones(3, dtype=ag.float64, requires_grad=True)
    h = s * 2
    h.retain_grad()
    loss = (h * s).sum()  # dL/ds = 2s + h = 4, dL/dh = s = 1

    def work(k):
        for _ in range(PASSES // 2):
            loss.backward(retain_graph=True)

    _run_threads(work)
    n = PASSES // 2 * THREADS
    np.testing.assert_array_equal(s.grad.numpy(), np.full(3, 4.0 * n))
    np.testing.assert_array_equal(h.grad.numpy(), np.full(3, 1.0 * n))


def test_threads_mixing_create_graph_and_plain_backward_keep_their_own_mode():
    s = ag.ones(3, dtype=ag.float64, requires_grad=True)
    bad = []

    def work(k):
        for _ in range(50):
            if k % 2:
                (g,) = ag.autograd.grad((s ** 3).sum(), s, create_graph=True)
                (g2,) = ag.autograd.grad(g.sum(), s)
                if g.grad_fn is None or g2.tolist() != [6.0] * 3:
                    bad.append(("create_graph", g, g2))
            else:
                x = ag.ones(2, requires_grad=True)
                (x * x).sum().backward()
                if x.grad.grad_fn is not None or x.grad.tolist() != [2.0, 2.0]:
                    bad.append(("plain", x.grad))

    _run_threads(work)
    assert bad == []


def test_threads_with_grad_off_do_not_turn_it_off_for_others():
    s = ag.ones(3, dtype=ag.float64, requires_grad=True)
    flags = []

    def work(k):
        for _ in range(100):
            if k % 2:
                with ag.no_grad():
                    assert (s * 2).grad_fn is None
            else:
                y = (s * 2).sum()
                flags.append(y.requires_grad)
                y.backward()

    _run_threads(work)
    assert all(flags)
    np.testing.assert_array_equal(s.grad.numpy(), np.full(3, 2.0 * 100 * (THREADS // 2)))


# --- 4. exceptions in hooks and Functions leave the modes alone ----------------------------------

class Boom(Exception):
    pass


class _Square(ag.Function):
    """y = x^2, dy/dx = 2x; raises where ``fail`` says, once."""

    fail: dict = {}

    @staticmethod
    def forward(ctx, x):
        if _Square.fail.pop("forward", None):
            raise _Square.error
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        if _Square.fail.pop("backward", None):
            raise _Square.error
        (x,) = ctx.saved_tensors
        return grad * 2 * x


def _graph(fail_at, error, hooks):
    """A small graph: a = x * 3 (hooked), b = Square(a), c = b.exp() (hooked), loss = c.sum().

    ``fail_at`` names where the one raise happens. Returns (x, loss)."""
    _Square.error = error
    x = ag.tensor([0.1, -0.2, 0.05], dtype=ag.float64, requires_grad=True)
    fired = []

    def make_hook(name):
        def hook(grad):
            if fail_at == name and name not in fired:
                fired.append(name)
                raise error
            return None
        return hook

    if fail_at == "Square.forward":
        _Square.fail["forward"] = True
    if fail_at == "Square.backward":
        _Square.fail["backward"] = True
    if hooks:
        x.register_hook(make_hook("hook-x"))
    a = x * 3
    if hooks:
        a.register_hook(make_hook("hook-a"))
    b = _Square.apply(a)
    c = b.exp()
    if hooks:
        c.register_hook(make_hook("hook-c"))
    loss = c.sum()
    return x, loss


def _expected_grad(x):
    a = 3 * x
    return np.exp(a * a) * 2 * a * 3


POSITIONS = ["Square.forward", "Square.backward", "hook-x", "hook-a", "hook-c"]


def _contexts():
    return {
        "plain": lambda: _Null(),
        "no_grad": ag.no_grad,
        "enable_grad-in-no_grad": lambda: _Nested(ag.no_grad(), ag.enable_grad()),
        "set_grad_enabled-False": lambda: ag.set_grad_enabled(False),
        "set_grad_enabled-True": lambda: ag.set_grad_enabled(True),
        "detect_anomaly": ag.detect_anomaly,
        "anomaly-in-no_grad": lambda: _Nested(ag.no_grad(), ag.detect_anomaly()),
    }


class _Null:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


class _Nested:
    def __init__(self, outer, inner):
        self.outer, self.inner = outer, inner

    def __enter__(self):
        self.outer.__enter__()
        self.inner.__enter__()

    def __exit__(self, *exc):
        try:
            self.inner.__exit__(*exc)
        finally:
            self.outer.__exit__(*exc)
        return False


def _modes():
    return ag.is_grad_enabled(), ag.is_anomaly_enabled()


@pytest.mark.parametrize("error", [KeyboardInterrupt, Boom, RuntimeError])
@pytest.mark.parametrize("context", list(_contexts()))
def test_an_exception_anywhere_leaves_the_modes_and_the_retry_works(context, error):
    make_context = _contexts()[context]
    for start in (True, False):  # the mode outside the block
        for position in POSITIONS:
            with ag.set_grad_enabled(start):
                before = _modes()
                with pytest.raises(error):
                    with make_context():
                        with ag.enable_grad():  # the forward itself records the graph
                            x, loss = _graph(position, error(), hooks=True)
                            loss.backward()
                assert _modes() == before, (position, start)
            assert _modes() == (True, False)
            _Square.fail.clear()
            # the same graph: either it finishes with the right gradient or says why not
            if position != "Square.forward":
                x.grad = None
                try:
                    loss.backward()
                except RuntimeError as e:
                    assert "retain_graph" in str(e) or "second time" in str(e), e
                else:
                    np.testing.assert_allclose(x.grad.numpy(), _expected_grad(x.detach().numpy()))
            # a fresh forward and backward works
            x, loss = _graph(None, error(), hooks=True)
            loss.backward()
            np.testing.assert_allclose(x.grad.numpy(), _expected_grad(x.detach().numpy()))


@pytest.mark.parametrize("error", [KeyboardInterrupt, Boom])
def test_an_exception_in_a_create_graph_backward_leaves_later_backwards_first_order(error):
    for position in ("hook-x", "hook-a", "hook-c", "Square.backward"):
        x, loss = _graph(position, error(), hooks=True)
        with pytest.raises(error):
            loss.backward(create_graph=True)
        _Square.fail.clear()
        assert _modes() == (True, False)
        y = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
        (y * y).sum().backward()
        assert y.grad.grad_fn is None  # not recorded: create_graph ended with the error
        x, loss = _graph(None, error(), hooks=True)
        loss.backward(create_graph=True)
        assert x.grad.grad_fn is not None
        np.testing.assert_allclose(x.grad.detach().numpy(), _expected_grad(x.detach().numpy()))


@pytest.mark.parametrize("error", [KeyboardInterrupt, Boom])
def test_an_exception_in_a_module_forward_hook_leaves_the_modes(error):
    layer = nn.Linear(3, 2).double()
    x = ag.ones(4, 3, dtype=ag.float64)
    calls = []

    def hook(module, args, output):
        calls.append(1)
        if len(calls) == 1:
            raise error()

    handle = layer.register_forward_hook(hook)
    for context in _contexts().values():
        calls.clear()
        before = _modes()
        with pytest.raises(error):
            with context():
                layer(x).sum().backward()
        assert _modes() == before
        layer(x).sum().backward()  # the hook fires again, without raising
    handle.remove()
    layer.weight.grad = None
    layer(x).sum().backward()
    np.testing.assert_array_equal(layer.weight.grad.numpy(), np.full((2, 3), 4.0))


@pytest.mark.parametrize("error", [KeyboardInterrupt, Boom])
def test_an_exception_in_a_forward_pre_hook_inside_no_grad_leaves_grad_on(error):
    layer = nn.Linear(3, 2)

    def pre_hook(module, args):
        raise error()

    handle = layer.register_forward_pre_hook(pre_hook)
    for _ in range(3):
        with pytest.raises(error):
            with ag.no_grad():
                layer(ag.ones(1, 3))
        assert ag.is_grad_enabled()
    handle.remove()
    assert layer(ag.ones(1, 3)).requires_grad


def test_a_decorated_function_that_raises_restores_the_mode():
    @ag.no_grad()
    def evaluate():
        assert not ag.is_grad_enabled()
        raise KeyboardInterrupt

    @ag.enable_grad()
    def train():
        assert ag.is_grad_enabled()
        raise Boom

    for _ in range(3):
        with pytest.raises(KeyboardInterrupt):
            evaluate()
        assert ag.is_grad_enabled()
        with ag.no_grad():
            with pytest.raises(Boom):
                train()
            assert not ag.is_grad_enabled()
        assert ag.is_grad_enabled()


def test_set_grad_enabled_called_and_left_in_a_thread_stays_in_that_thread():
    seen = {}

    def leaves_grad_off():
        ag.set_grad_enabled(False)
        ag.set_detect_anomaly(True)
        seen["inside"] = _modes()

    def exits_inside_no_grad():
        ag.no_grad().__enter__()  # never exited: the thread ends inside the block
        seen["no_grad"] = ag.is_grad_enabled()

    for target in (leaves_grad_off, exits_inside_no_grad):
        t = threading.Thread(target=target)
        t.start()
        t.join()
    assert seen == {"inside": (False, True), "no_grad": False}
    assert _modes() == (True, False)
    fresh = {}

    def look():
        fresh["modes"] = _modes()
        x = ag.ones(2, requires_grad=True)
        fresh["recorded"] = (x * 2).grad_fn is not None

    t = threading.Thread(target=look)
    t.start()
    t.join()
    assert fresh == {"modes": (True, False), "recorded": True}


def test_a_thread_that_raises_inside_no_grad_does_not_affect_others():
    go = threading.Event()
    done = threading.Event()
    seen = []

    def dies():
        with ag.no_grad():
            go.set()
            done.wait(5)
            raise Boom  # reported by threading's excepthook, silenced below

    def watches():
        go.wait(5)
        seen.append(_modes())
        x = ag.ones(2, requires_grad=True)
        (x * x).sum().backward()
        seen.append(x.grad.numpy().tolist())
        done.set()

    old_hook = threading.excepthook
    threading.excepthook = lambda args: None
    try:
        threads = [threading.Thread(target=dies), threading.Thread(target=watches)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        threading.excepthook = old_hook
    assert seen == [(True, False), [2.0, 2.0]]
    assert _modes() == (True, False)


def test_grad_mode_after_interrupts_matches_pytorch():
    torch = _torch_namespace().ag
    for lib in (ag, torch):
        with lib.no_grad():
            for ctx in (lib.enable_grad, lambda lib=lib: lib.set_grad_enabled(True), lib.no_grad):
                with pytest.raises(KeyboardInterrupt):
                    with ctx():
                        raise KeyboardInterrupt
                assert not lib.is_grad_enabled(), lib.__name__
        assert lib.is_grad_enabled()


def test_pytorch_also_survives_an_interrupting_tensor_hook():
    torch = _torch_namespace().ag
    results = []
    for lib in (ag, torch):
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        h = x * 3
        fired = []

        def hook(grad, fired=fired):
            if not fired:
                fired.append(1)
                raise KeyboardInterrupt
        h.register_hook(hook)
        y = (h * h).sum()
        with lib.no_grad():
            with pytest.raises(KeyboardInterrupt):
                y.backward()
        assert lib.is_grad_enabled()
        y2 = (x * 3 * x * 3).sum()
        y2.backward()
        results.append(x.grad.numpy().tolist())
    assert results[0] == results[1]


# --- 5. reading .grad of a non-leaf --------------------------------------------------------------

def test_reading_grad_of_a_non_leaf_warns_and_gives_none():
    x = ag.ones(3, requires_grad=True)
    h = x * 2
    h.sum().backward()
    with pytest.warns(UserWarning, match="retain_grad"):
        assert h.grad is None
    with pytest.warns(UserWarning, match="retain_grad"):
        assert (x + 1).grad is None  # before any backward too


def test_reading_grad_of_a_leaf_does_not_warn():
    x = ag.ones(3, requires_grad=True)
    plain = ag.ones(3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert x.grad is None
        assert plain.grad is None
        with ag.no_grad():
            assert (x * 2).grad is None  # no grad_fn: a leaf
        assert (x * 2).detach().grad is None
        (x * 2).sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0, 2.0])
        assert nn.Linear(2, 2).weight.grad is None


def test_a_retained_non_leaf_does_not_warn_and_holds_its_gradient():
    x = ag.ones(3, requires_grad=True)
    h = x * 2
    h.retain_grad()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert h.grad is None  # retained, before backward: no warning
        (h * h).sum().backward()
        np.testing.assert_array_equal(h.grad.numpy(), [4.0, 4.0, 4.0])


def test_the_warning_matches_pytorch():
    torch = _torch_namespace().ag
    for lib in (ag, torch):
        x = lib.ones(3, requires_grad=True)
        with pytest.warns(UserWarning, match="retain_grad"):
            assert (x * 2).grad is None


# --- 6. set_detect_anomaly -----------------------------------------------------------------------

def _nan_backward():
    x = ag.tensor([0.0, 1.0], requires_grad=True)
    x.sqrt().sum().backward()  # d sqrt(x)/dx at 0 is inf; times 0 * ... stays inf
    return x


def _nan_backward_from_zero_times_inf():
    x = ag.tensor([0.0, 1.0], requires_grad=True)
    (x.sqrt() * 0).sum().backward()  # 0 * inf = nan in SqrtBackward
    return x


NAN_WARNINGS = [
    pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning"),
    pytest.mark.filterwarnings("ignore:Error detected in:UserWarning"),
]


@NAN_WARNINGS[0]
@NAN_WARNINGS[1]
def test_set_detect_anomaly_as_a_call_stays_on_until_turned_off():
    try:
        ag.set_detect_anomaly(True)
        assert ag.is_anomaly_enabled()
        for _ in range(2):  # still on for the second backward
            with pytest.raises(RuntimeError, match="Sqrt"):
                _nan_backward_from_zero_times_inf()
        assert ag.is_anomaly_enabled()
    finally:
        ag.set_detect_anomaly(False)
    assert not ag.is_anomaly_enabled()
    x = _nan_backward_from_zero_times_inf()  # off: no error, a nan gradient
    assert np.isnan(x.grad.numpy()[0])


@NAN_WARNINGS[0]
@NAN_WARNINGS[1]
def test_set_detect_anomaly_as_a_context_restores_the_previous_value():
    for outside in (False, True):
        try:
            ag.set_detect_anomaly(outside)
            with ag.set_detect_anomaly(True):
                assert ag.is_anomaly_enabled()
                with pytest.raises(RuntimeError, match="Sqrt"):
                    _nan_backward_from_zero_times_inf()
            assert ag.is_anomaly_enabled() is outside
            with ag.set_detect_anomaly(False):
                assert not ag.is_anomaly_enabled()
                _nan_backward_from_zero_times_inf()
            assert ag.is_anomaly_enabled() is outside
            with pytest.raises(KeyboardInterrupt):
                with ag.detect_anomaly():
                    raise KeyboardInterrupt
            assert ag.is_anomaly_enabled() is outside
        finally:
            ag.set_detect_anomaly(False)


@NAN_WARNINGS[0]
@NAN_WARNINGS[1]
def test_set_detect_anomaly_matches_pytorch():
    torch = _torch_namespace().ag
    for lib in (ag, torch):
        try:
            lib.autograd.set_detect_anomaly(True)  # a plain call, not a context
            assert lib.is_anomaly_enabled()
            x = lib.tensor([0.0, 1.0], requires_grad=True)
            with pytest.raises(RuntimeError, match="Sqrt"):
                (x.sqrt() * 0).sum().backward()
        finally:
            lib.autograd.set_detect_anomaly(False)
        assert not lib.is_anomaly_enabled()


# --- 7. next_functions and grad_fn names ---------------------------------------------------------

def _names_graph(L):
    L.ag.manual_seed(0)
    x = L.ag.ones(4, 3)
    layer = L.nn.Linear(3, 2)
    w = L.ag.ones(4, 2, requires_grad=True)
    h = layer(x)
    m = h * w
    a = m + w
    s = a.sigmoid()
    target = L.ag.tensor([0, 1, 1, 0])
    return {
        "linear": h.grad_fn.name(),
        "mul": m.grad_fn.name(),
        "add": a.grad_fn.name(),
        "sigmoid": s.grad_fn.name(),
        "sum": s.sum().grad_fn.name(),
        "mean": s.mean().grad_fn.name(),
        "mse": L.F.mse_loss(s, L.ag.zeros(4, 2)).grad_fn.name(),
        "cross_entropy": L.F.cross_entropy(s, target).grad_fn.name(),
        "exp": s.exp().grad_fn.name(),
        "tanh": s.tanh().grad_fn.name(),
        "relu": s.relu().grad_fn.name(),
        "matmul-2d": (s @ L.ag.ones(2, 2, requires_grad=True)).grad_fn.name(),
        "sub": (s - w).grad_fn.name(),
        "div": (s / w).grad_fn.name(),
        "neg": (-s).grad_fn.name(),
        "pow": (s ** 2).grad_fn.name(),
    }


EXPECTED_NAMES = {
    "linear": "AddmmBackward0",
    "mul": "MulBackward0",
    "add": "AddBackward0",
    "sigmoid": "SigmoidBackward0",
    "sum": "SumBackward0",
    "mean": "MeanBackward0",
    "mse": "MseLossBackward0",
    "cross_entropy": "NllLossBackward0",
    "exp": "ExpBackward0",
    "tanh": "TanhBackward0",
    "relu": "ReluBackward0",
    "matmul-2d": "MmBackward0",
    "sub": "SubBackward0",
    "div": "DivBackward0",
    "neg": "NegBackward0",
    "pow": "PowBackward0",
}


def test_grad_fn_names_are_pytorchs():
    assert _names_graph(OURS) == EXPECTED_NAMES


def test_grad_fn_names_equal_what_pytorch_prints():
    assert _names_graph(OURS) == _names_graph(_torch_namespace())


def _edges(L):
    x = L.ag.tensor([1.0, 2.0], requires_grad=True)
    c = L.ag.tensor([3.0, 4.0])  # needs no gradient
    h = x * c
    loss = (h + x).sum()
    add = loss.grad_fn.next_functions[0][0]
    mul, acc = (e[0] for e in add.next_functions)
    return x, loss, add, mul, acc


def test_next_functions_walk_the_graph_like_pytorch():
    x, loss, add, mul, acc = _edges(OURS)
    assert loss.grad_fn.name() == "SumBackward0"
    assert loss.grad_fn.next_functions[0][1] == 0
    assert len(add.next_functions) == 2
    assert len(mul.next_functions) == 2
    assert add.name() == "AddBackward0"
    assert mul.name() == "MulBackward0"
    assert acc.name() == "AccumulateGrad"
    assert acc.variable is x
    assert mul.next_functions[0][0].variable is x
    assert mul.next_functions[1] == (None, 0)
    assert acc.next_functions == ()
    assert all(isinstance(e, tuple) and len(e) == 2 for e in add.next_functions)


def test_next_functions_have_pytorchs_shape():
    def shape(L):
        x, loss, add, mul, acc = _edges(L)
        return (type(loss.grad_fn.next_functions), len(add.next_functions),
                [(type(n).__name__, k) for n, k in mul.next_functions],
                [(n.name(), k) for n, k in add.next_functions[:1]],
                acc.variable is x, acc.name().split("::")[-1])

    ours, theirs = shape(OURS), shape(_torch_namespace())
    assert ours[1:] == theirs[1:]
    assert ours[0] is tuple and theirs[0] is tuple


def test_next_functions_of_a_linear_layer_reach_its_parameters():
    layer = nn.Linear(3, 2)
    out = layer(ag.ones(4, 3))
    leaves = []
    stack = [out.grad_fn]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if hasattr(node, "variable"):
            leaves.append(node.variable)
        stack.extend(n for n, _ in node.next_functions)
    assert {id(p) for p in leaves} == {id(layer.weight), id(layer.bias)}


# --- what an op saves: only what a gradient needs, as in PyTorch -----------------------------

def test_changing_the_operand_that_no_gradient_reads_is_no_error():
    x = ag.ones(3, requires_grad=True)
    c = ag.full((3,), 2.0)
    y = x * c  # dL/dx needs c; nothing needs x (c needs no gradient)
    with ag.no_grad():
        x.add_(1)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0, 2.0])
    y = x * c
    with ag.no_grad():
        c.mul_(3)  # but c is read by dL/dx
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_a_linear_layer_on_data_saves_no_weight():
    torch = None
    try:
        import torch
    except ImportError:
        pass
    m = nn.Linear(3, 2)
    opt = optim.SGD(m.parameters(), lr=0.1)
    x = ag.ones(4, 3)
    loss = m(x).pow(2).sum()
    loss.backward(retain_graph=True)
    opt.step()
    loss.backward()  # the weight was not saved: dL/dW needs only x and the output's gradient
    assert m.weight.grad.shape == (2, 3)
    if torch is not None:
        tm = torch.nn.Linear(3, 2)
        topt = torch.optim.SGD(tm.parameters(), lr=0.1)
        tl = tm(torch.ones(4, 3)).pow(2).sum()
        tl.backward(retain_graph=True)
        topt.step()
        tl.backward()  # PyTorch agrees: no error
