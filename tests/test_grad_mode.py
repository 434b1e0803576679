"""Grad mode: no_grad, enable_grad, set_grad_enabled, is_grad_enabled; per thread."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import autograd as ag


@pytest.fixture
def w() -> ag.Tensor:
    return ag.ones(2, requires_grad=True)


def test_grad_is_enabled_by_default(w) -> None:
    assert ag.is_grad_enabled()
    assert (w * 2).requires_grad


def test_no_grad_as_context(w) -> None:
    with ag.no_grad():
        assert not ag.is_grad_enabled()
        y = w * 2
    assert ag.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None


def test_no_grad_as_decorator(w) -> None:
    @ag.no_grad()
    def evaluate(x):
        """Docstring kept."""
        return x * 2, ag.is_grad_enabled()

    y, enabled = evaluate(w)
    assert not enabled and not y.requires_grad
    assert ag.is_grad_enabled() and evaluate.__doc__ == "Docstring kept."


def test_enable_grad_inside_no_grad(w) -> None:
    with ag.no_grad():
        with ag.enable_grad():
            assert ag.is_grad_enabled()
            y = w * 2
        assert not ag.is_grad_enabled()
    assert y.requires_grad

    @ag.enable_grad()
    def recorded(x):
        return x * 2

    with ag.no_grad():
        assert recorded(w).requires_grad


@pytest.mark.parametrize("mode", [False, True])
def test_set_grad_enabled_as_context(w, mode) -> None:
    with ag.set_grad_enabled(mode):
        assert ag.is_grad_enabled() is mode
        assert (w * 2).requires_grad is mode
    assert ag.is_grad_enabled()


def test_set_grad_enabled_as_a_plain_call(w) -> None:
    ag.set_grad_enabled(False)
    assert not ag.is_grad_enabled() and not (w * 2).requires_grad
    ag.set_grad_enabled(True)
    assert ag.is_grad_enabled() and (w * 2).requires_grad


def test_set_grad_enabled_as_decorator_does_not_change_the_mode_when_applied(w) -> None:
    @ag.set_grad_enabled(False)
    def evaluate(x):
        return x * 2

    assert ag.is_grad_enabled()  # decorating changed nothing
    assert not evaluate(w).requires_grad
    assert ag.is_grad_enabled()


def test_modes_restore_after_an_exception() -> None:
    with pytest.raises(ValueError):
        with ag.no_grad():
            raise ValueError("boom")
    assert ag.is_grad_enabled()


def test_nested_no_grad_restores_the_outer_mode() -> None:
    with ag.no_grad():
        with ag.no_grad():
            pass
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()


def test_grad_mode_is_per_thread(w) -> None:
    """no_grad in one thread leaves another thread recording."""
    inside = threading.Event()
    release = threading.Event()
    seen = {}

    def evaluator() -> None:
        with ag.no_grad():
            inside.set()
            release.wait(5)
            seen["evaluator"] = ag.is_grad_enabled()

    def trainer() -> None:
        inside.wait(5)
        seen["trainer"] = ag.is_grad_enabled()
        seen["trainer_records"] = (w * 2).requires_grad
        release.set()

    threads = [threading.Thread(target=evaluator), threading.Thread(target=trainer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"evaluator": False, "trainer": True, "trainer_records": True}


def test_a_new_thread_starts_with_grad_enabled() -> None:
    seen = []
    with ag.no_grad():
        t = threading.Thread(target=lambda: seen.append(ag.is_grad_enabled()))
        t.start()
        t.join(5)
    assert seen == [True]


# --- one source of truth per thread ----------------------------------------------------------

def test_modes_come_back_after_contexts_and_errors() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError), ag.detect_anomaly():
        assert ag.is_anomaly_enabled()
        raise ValueError
    assert not ag.is_anomaly_enabled()
    with pytest.raises(ValueError), ag.no_grad():
        with ag.no_grad(), ag.enable_grad():  # nested: off, back on, then off again
            assert ag.is_grad_enabled()
        assert not ag.is_grad_enabled()
        raise ValueError
    assert ag.is_grad_enabled()
    ag.set_grad_enabled(False)
    ag.set_grad_enabled(False)  # twice: one setting, not a count
    assert not ag.is_grad_enabled()
    ag.set_grad_enabled(True)
    assert ag.is_grad_enabled()
    (g,) = ag.grad((x * x).sum(), x, create_graph=True)
    assert ag.is_grad_enabled() and not ag.is_anomaly_enabled()
    assert g.grad_fn is not None  # the create_graph pass did record
    np.testing.assert_allclose(ag.grad(g.sum(), x)[0].numpy(), [2.0, 2.0])


def test_a_thread_that_ends_inside_no_grad_changes_no_other_thread() -> None:
    def leaves_it_off() -> None:
        ag.no_grad().__enter__()  # never exited
        ag.set_detect_anomaly(True)

    t = threading.Thread(target=leaves_it_off)
    t.start()
    t.join(5)
    assert ag.is_grad_enabled() and not ag.is_anomaly_enabled()
    seen = []
    t = threading.Thread(target=lambda: seen.append((ag.is_grad_enabled(),
                                                     ag.is_anomaly_enabled())))
    t.start()
    t.join(5)
    assert seen == [(True, False)]  # a new thread starts with the defaults


def test_anomaly_mode_in_one_thread_leaves_the_others_unchecked() -> None:
    """Another thread's detect_anomaly() makes this thread read its own flag, which is off."""
    inside, release = threading.Event(), threading.Event()

    def debugger() -> None:
        with ag.detect_anomaly():
            inside.set()
            release.wait(5)

    t = threading.Thread(target=debugger)
    t.start()
    inside.wait(5)
    try:
        x = ag.tensor([0.0], requires_grad=True)
        y = x.sqrt()  # infinite gradient at 0: anomaly mode would raise in backward
        assert y.grad_fn._trace is None
        y.sum().backward()
        assert np.isinf(x.grad.numpy()[0])
    finally:
        release.set()
        t.join(5)


def test_a_create_graph_pass_in_one_thread_leaves_the_others_on_arrays() -> None:
    """Backward rules in a plain pass get arrays even while another thread records a graph."""
    inside, release = threading.Event(), threading.Event()

    class Pause(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, grad):
            inside.set()
            release.wait(5)
            return grad

    y = Pause.apply(ag.tensor([2.0], requires_grad=True))
    t = threading.Thread(target=lambda: y.backward(create_graph=True))
    t.start()
    inside.wait(5)
    try:
        x = ag.tensor([1.0, 3.0], requires_grad=True)
        ((x - 1.0) ** 2).mean().backward()
    finally:
        release.set()
        t.join(5)
    assert x.grad.grad_fn is None
    np.testing.assert_allclose(x.grad.numpy(), [0.0, 2.0])


class _SeesGradMode(ag.Function):
    """f(x) = 2x, whose backward notes whether grad mode was on while it ran."""

    seen: list = []

    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        _SeesGradMode.seen.append(ag.is_grad_enabled())
        return grad * 2


@pytest.mark.parametrize("outer", [True, False])
def test_a_users_backward_runs_with_grad_off_unless_create_graph(outer) -> None:
    """As in PyTorch: backward runs in grad mode create_graph, whatever the caller's mode,
    which it finds unchanged afterwards."""
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    _SeesGradMode.seen = []
    loss = (_SeesGradMode.apply(x) * x).sum()  # d/dx = 4x, through the user's rule and mul
    with ag.set_grad_enabled(outer):
        loss.backward(retain_graph=True)
        assert ag.is_grad_enabled() is outer
        (g,) = ag.grad(loss, x, create_graph=True)
        assert ag.is_grad_enabled() is outer
    assert _SeesGradMode.seen == [False, True]
    assert x.grad.tolist() == [4.0, 8.0] and g.tolist() == [4.0, 8.0]
    (gg,) = ag.grad(g.sum(), x)  # the create_graph pass recorded the user's rule too
    assert gg.tolist() == [4.0, 4.0]


def test_inference_mode_records_no_graph_as_in_pytorch() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with ag.inference_mode():
        y = x * 2
        with ag.inference_mode(False):  # turns recording back on
            z = x * 2
    assert y.grad_fn is None and not y.requires_grad
    assert z.grad_fn is not None and ag.is_grad_enabled()

    @ag.inference_mode()
    def predict(t):
        return t * 3

    assert predict(x).grad_fn is None and ag.is_grad_enabled()
