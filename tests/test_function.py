"""User-defined ops with ``ag.Function``, in PyTorch's ctx contract."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag


class Exp(ag.Function):
    """The example of autograd/function.py's docstring, as a student writes it."""

    @staticmethod
    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y)      # f(x) = e^x, so df/dx = f(x): save the output
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y               # dL/dx = dL/dy * dy/dx


class MulAdd(ag.Function):
    """f(a, b, c) = a * b + c, with c a Python number: one gradient per forward argument."""

    seen_needs: tuple = ()

    @staticmethod
    def forward(ctx, a, b, c):
        ctx.save_for_backward(a, b)
        ctx.c = c
        MulAdd.seen_needs = ctx.needs_input_grad
        return a * b + c

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b, _ = ctx.needs_input_grad
        return (grad * b if need_a else None), (grad * a if need_b else None), None


def test_custom_exp_values_and_gradient() -> None:
    x = ag.tensor([0.0, 1.0], dtype=ag.float64, requires_grad=True)
    y = Exp.apply(x)
    np.testing.assert_allclose(y.detach().numpy(), np.exp([0.0, 1.0]))
    assert y.grad_fn is not None and y.grad_fn.name() == "ExpBackward"
    assert "ExpBackward" in repr(y)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp([0.0, 1.0]))


def test_forward_receives_tensors_and_runs_without_recording() -> None:
    seen = {}

    class Probe(ag.Function):
        @staticmethod
        def forward(ctx, x):
            seen["type"] = type(x)
            seen["grad_enabled"] = ag.is_grad_enabled()
            out = x * 2
            seen["out_has_graph"] = out.grad_fn is not None
            return out

        @staticmethod
        def backward(ctx, grad):
            seen["grad_type"] = type(grad)
            return grad * 2

    x = ag.ones(2, requires_grad=True)
    Probe.apply(x).sum().backward()
    assert seen == {"type": ag.Tensor, "grad_enabled": False, "out_has_graph": False,
                    "grad_type": ag.Tensor}
    assert x.grad.tolist() == [2.0, 2.0]


def test_saved_tensors_are_tensors() -> None:
    class Keep(ag.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 1

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            assert isinstance(x, ag.Tensor)
            return grad * x

    x = ag.tensor([3.0], requires_grad=True)
    Keep.apply(x).sum().backward()
    assert x.grad.tolist() == [3.0]


def test_needs_input_grad_follows_the_inputs() -> None:
    a = ag.tensor([2.0], requires_grad=True)
    b = ag.tensor([5.0])
    out = MulAdd.apply(a, b, 1.0)
    assert MulAdd.seen_needs == (True, False, False)
    assert out.tolist() == [11.0]
    out.sum().backward()
    assert a.grad.tolist() == [5.0] and b.grad is None


@pytest.mark.parametrize("pattern", [(True,), (False, True), (True, False, True),
                                     (False, True, True, False), (True,) * 5])
def test_needs_input_grad_for_any_number_of_inputs(pattern) -> None:
    """One flag per input, in order: the short lengths take a spelled-out path."""
    seen = []

    class Total(ag.Function):
        @staticmethod
        def forward(ctx, *xs):
            seen.append(ctx.needs_input_grad)
            return sum(xs[1:], xs[0])

        @staticmethod
        def backward(ctx, grad):
            return (grad,) * len(ctx.needs_input_grad)

    xs = [ag.tensor([1.0], requires_grad=need) for need in pattern]
    Total.apply(*xs)
    assert seen == [pattern] and all(type(n) is bool for n in seen[0])


def test_apply_without_any_input_requiring_grad_records_nothing() -> None:
    out = Exp.apply(ag.tensor([0.0]))
    assert out.grad_fn is None and not out.requires_grad and out.tolist() == [1.0]


def test_apply_under_no_grad_records_nothing() -> None:
    x = ag.tensor([0.0], requires_grad=True)
    with ag.no_grad():
        out = Exp.apply(x)
    assert out.grad_fn is None


def test_gradcheck_of_custom_functions() -> None:
    rng = np.random.default_rng(0)
    x = ag.tensor(rng.standard_normal((3, 2)), requires_grad=True)
    assert ag.gradcheck(Exp.apply, [x])
    a = ag.tensor(rng.standard_normal(3), requires_grad=True)
    b = ag.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    assert ag.gradcheck(lambda p, q: MulAdd.apply(p, q, 0.5), [a, b])  # broadcasting too


def test_second_derivative_of_a_custom_function_under_create_graph() -> None:
    """backward is written with tensor ops, so create_graph records it: d2/dx2 e^x = e^x."""
    x = ag.tensor([0.5, 1.0], dtype=ag.float64, requires_grad=True)
    (g,) = ag.grad(Exp.apply(x).sum(), x, create_graph=True)
    assert g.requires_grad
    (gg,) = ag.grad(g.sum(), x)
    np.testing.assert_allclose(gg.numpy(), np.exp([0.5, 1.0]))
    assert ag.gradgradcheck(Exp.apply, [x])


def test_second_derivative_through_a_saved_input() -> None:
    """f(a, b) = a b: d2f/da db = 1 reaches b through the saved a and b."""
    a = ag.tensor([2.0], dtype=ag.float64, requires_grad=True)
    b = ag.tensor([3.0], dtype=ag.float64, requires_grad=True)
    (ga,) = ag.grad(MulAdd.apply(a, b, 0.0).sum(), a, create_graph=True)
    (gb,) = ag.grad(ga.sum(), b)
    assert ga.tolist() == [3.0] and gb.tolist() == [1.0]


def test_saved_tensors_after_backward_say_to_retain_graph() -> None:
    x = ag.tensor([1.0], requires_grad=True)
    y = Exp.apply(x)
    y.backward(ag.ones(1))
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward(ag.ones(1))


def test_returning_none_for_an_input_that_requires_grad_leaves_it_without_grad() -> None:
    class Stop(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, grad):
            return None

    x = ag.ones(2, requires_grad=True)
    w = ag.ones(2, requires_grad=True)
    (Stop.apply(x) * w).sum().backward()
    assert x.grad is None and w.grad.tolist() == [1.0, 1.0]


def test_forward_must_return_one_tensor() -> None:
    class Two(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x, x

        @staticmethod
        def backward(ctx, grad):
            return grad

    with pytest.raises(TypeError, match="exactly one Tensor"):
        Two.apply(ag.ones(2, requires_grad=True))

    class NotTensor(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return 3.0

        @staticmethod
        def backward(ctx, grad):
            return grad

    with pytest.raises(TypeError, match="must return a Tensor"):
        NotTensor.apply(ag.ones(2, requires_grad=True))


def test_missing_forward_or_backward() -> None:
    class NoBackward(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

    y = NoBackward.apply(ag.ones(1, requires_grad=True))
    with pytest.raises(NotImplementedError, match="backward"):
        y.sum().backward()


def test_save_for_backward_accepts_none_as_in_pytorch() -> None:
    class Scale(ag.Function):
        @staticmethod
        def forward(ctx, x, w):
            ctx.save_for_backward(x, w)
            return x * 2 if w is None else x * w

        @staticmethod
        def backward(ctx, grad):
            x, w = ctx.saved_tensors
            assert w is None and isinstance(x, ag.Tensor)
            return grad * 2, None

    x = ag.ones(2, requires_grad=True)
    Scale.apply(x, None).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def _code_block(doc: str) -> str:
    """The indented example after the first '::' of a docstring, dedented."""
    import textwrap

    block = doc.split("::", 1)[1]
    lines = []
    for line in block.splitlines()[1:]:
        if line.strip() and not line.startswith("    "):
            break
        lines.append(line)
    return textwrap.dedent("\n".join(lines))


def test_the_documented_example_in_function_py_runs_as_printed() -> None:
    import autograd.function

    code = _code_block(autograd.function.__doc__)
    x = ag.tensor([0.0, 1.0], dtype=ag.float64, requires_grad=True)
    namespace = {"ag": ag, "x": x}
    exec(code, namespace)
    y = namespace["y"]
    assert y.grad_fn.name() == "ExpBackward"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp([0.0, 1.0]))


def test_the_package_docstring_example_gives_the_printed_gradient() -> None:
    code = _code_block(ag.__doc__)
    namespace: dict = {}
    exec(code, namespace)
    assert repr(namespace["x"].grad) == "tensor([2., 4., 6.])"
