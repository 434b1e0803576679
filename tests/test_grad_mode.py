"""Grad mode: no_grad, enable_grad, set_grad_enabled, is_grad_enabled; per thread."""

from __future__ import annotations

import threading

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
