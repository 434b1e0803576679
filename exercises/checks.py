"""The checks that grade the exercises, with feedback that teaches.

Every exercise notebook ends its parts with a test cell such as
``checks.neuron(neuron)``: the check calls the student's function on a few
inputs and compares what comes back with the course's formulas (computed here
independently, mostly with the library's own ``autograd``, ``nn`` and ``optim``).
On the first disagreement it raises :class:`ExerciseError` (an ``AssertionError``,
so nbgrader counts the cell as failed) whose message says

* which input failed,
* what was expected and what came back (the first wrong element with its index),
* a hint tied to the lecture's formula, and, where the wrong answer matches a
  typical mistake (a missing minus sign, a forgotten f'(a), softmax over the
  wrong axis, gradients that were never zeroed...), which mistake it looks like.

It never shows the solution's code. When every case passes, the check prints one
line starting with ``✓``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

import autograd as ag
import nn
import nn.functional as F
import optim

__all__ = [
    "ExerciseError",
    "compare",
    "neuron",
    "layer",
    "activation",
    "backprop_2_3_1",
    "mse",
    "bce",
    "multiclass_ce",
    "linear_backward",
    "linear_regression",
    "logistic_gradients",
    "logistic_regression",
    "softmax",
    "cross_entropy",
    "momentum",
    "adam",
    "minibatches",
    "train_epoch",
    "conv2d_forward",
    "conv2d_backward",
    "lstm_cell",
]


class ExerciseError(AssertionError):
    """A check failed; the message says which input, expected against got, and a hint."""


# --- helpers ---------------------------------------------------------------------------------

def _as_array(value: Any, name: str) -> np.ndarray:
    """A float64 numpy array from what the student returned (array, Tensor, number)."""
    if isinstance(value, ag.Tensor):
        value = value.detach().cpu().numpy()
    if value is None:
        raise ExerciseError(f"{name} is None: the function returned nothing (a missing `return`?)")
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ExerciseError(
            f"{name} should be an array of numbers, got a {type(value).__name__}: {value!r:.80}"
        ) from None


def _fmt(x: Any) -> str:
    text = np.array2string(np.asarray(x, dtype=np.float64), precision=4, suppress_small=True,
                           max_line_width=88, threshold=24, edgeitems=3)
    return text.replace("\n", "\n" + " " * 12)


def _fail(title: str, *, case: str | None = None, expected: Any = None, got: Any = None,
          detail: str | None = None, hint: str | None = None) -> None:
    lines = [f"✗ {title}"]
    if case:
        lines.append(f"  input:    {case}")
    if expected is not None:
        lines.append(f"  expected: {_fmt(expected)}")
    if got is not None:
        lines.append(f"  got:      {_fmt(got)}")
    if detail:
        lines.append(f"  {detail}")
    if hint:
        lines.append(f"  hint: {hint}")
    raise ExerciseError("\n".join(lines))


def _close(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _diagnose(got: np.ndarray, expected: np.ndarray) -> str | None:
    """Name a pattern common to many wrong answers: a sign, or a constant factor."""
    if np.allclose(got, -expected, rtol=1e-6, atol=1e-10) and np.any(np.abs(expected) > 1e-12):
        return "your values are exactly the negatives of the expected ones: check the sign"
    nonzero = np.abs(expected) > 1e-12
    if nonzero.sum() >= 1 and np.all(np.abs(got[~nonzero]) < 1e-10):
        ratio = got[nonzero] / expected[nonzero]
        if np.allclose(ratio, ratio.flat[0], rtol=1e-6) and not np.isclose(ratio.flat[0], 1):
            return (f"every value is {ratio.flat[0]:.4g} times the expected one: "
                    "a constant factor is missing or extra")
    return None


def compare(name: str, got: Any, expected: Any, *, case: str | None = None,
            hint: str | None = None, mistakes: dict[str, Any] | None = None,
            rtol: float = 1e-6, atol: float = 1e-9) -> np.ndarray:
    """Raise :class:`ExerciseError` unless ``got`` equals ``expected`` (shape and values).

    ``mistakes`` maps a message to the value a typical wrong answer gives: when
    ``got`` equals one of them, that message is shown (the mistake is recognised).
    Returns ``got`` as a float64 array.
    """
    got_arr = _as_array(got, name)
    exp = _as_array(expected, "the expected value")
    if got_arr.shape != exp.shape:
        detail = None
        if got_arr.shape == exp.shape[::-1] and got_arr.ndim == 2:
            detail = "your array is the transpose of the expected shape"
        elif got_arr.size == exp.size:
            detail = "same number of elements, different layout: a missing reshape or keepdims?"
        for message, value in (mistakes or {}).items():
            if np.shape(value) == got_arr.shape and np.allclose(got_arr, value):
                detail = message
        _fail(f"{name} has shape {got_arr.shape}, expected {exp.shape}", case=case,
              detail=detail, hint=hint)
    if _close(got_arr, exp, rtol, atol):
        return got_arr
    finite = np.isfinite(got_arr)
    if not finite.all() and np.isfinite(exp).all():
        idx = tuple(int(i) for i in np.argwhere(~finite)[0])
        _fail(f"{name} contains {got_arr[idx]} (not a finite number) at index {idx}", case=case,
              expected=exp, got=got_arr, detail=_mistake(got_arr, mistakes), hint=hint)
    bad = ~np.isclose(got_arr, exp, rtol=rtol, atol=atol)
    idx = tuple(int(i) for i in np.argwhere(bad)[0]) if bad.ndim else ()
    where = f"at index {idx}" if idx else "its value"
    detail = (f"first wrong element {where}: expected {exp[idx]:.6g}, got {got_arr[idx]:.6g}"
              if idx else None)
    recognised = _mistake(got_arr, mistakes) or _diagnose(got_arr, exp)
    if recognised:
        detail = recognised if detail is None else f"{detail}\n  {recognised}"
    _fail(f"{name} is wrong", case=case, expected=exp, got=got_arr, detail=detail, hint=hint)
    return got_arr  # not reached


def _mistake(got: np.ndarray, mistakes: dict[str, Any] | None) -> str | None:
    for message, value in (mistakes or {}).items():
        value = np.asarray(value, dtype=np.float64)
        if value.shape == got.shape and np.allclose(got, value, rtol=1e-6, atol=1e-9,
                                                    equal_nan=True):
            return f"this looks like a known mistake: {message}"
    return None


def _call(fn: Callable, *args: Any, case: str | None = None, hint: str | None = None,
          **kwargs: Any) -> Any:
    """Call the student's function; an exception becomes feedback naming the input."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except ExerciseError:
        raise
    except Exception as exc:  # the student's code raised: say where, keep the cause
        name = getattr(fn, "__name__", "your function")
        lines = [f"✗ {name} raised {type(exc).__name__}: {exc}"]
        if case:
            lines.append(f"  input:    {case}")
        if hint:
            lines.append(f"  hint: {hint}")
        raise ExerciseError("\n".join(lines)) from exc


def _ok(message: str) -> None:
    print(f"✓ {message}")


def _sigmoid(a: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-a))


def _t(x: Any, grad: bool = False) -> ag.Tensor:
    return ag.tensor(np.asarray(x, dtype=np.float64), dtype=ag.float64, requires_grad=grad)


def _np(t: ag.Tensor) -> np.ndarray:
    return t.detach().numpy().astype(np.float64)


# --- 1. the neuron ---------------------------------------------------------------------------

def neuron(fn: Callable) -> None:
    """``fn(y, w, b, f) -> (a, out)``: a = b + sum_i y_i w_i, out = f(a)."""
    rng = np.random.default_rng(1)
    cases = [
        (np.array([1.0, 2.0]), np.array([0.5, -1.0]), 0.0, "identity", lambda a: a),
        (np.array([1.0, 2.0, 3.0]), np.array([0.2, 0.1, -0.3]), 0.5, "identity", lambda a: a),
        (rng.normal(size=4), rng.normal(size=4), -0.7, "sigmoid", _sigmoid),
        (rng.normal(size=5), rng.normal(size=5), 1.3, "tanh", np.tanh),
    ]
    for y, w, b, fname, f in cases:
        case = f"y = {_fmt(y)}, w = {_fmt(w)}, b = {b}, f = {fname}"
        result = _call(fn, y, w, b, f, case=case)
        if not isinstance(result, tuple) or len(result) != 2:
            _fail("neuron should return the pair (a, y_out)", case=case)
        a, out = result
        expected_a = b + np.sum(y * w)
        compare("a", a, expected_a, case=case,
                hint="a = b + Σ_i y_i w_i: one number, the weighted sum of the inputs plus "
                     "the bias",
                mistakes={"the bias b is missing from a": np.sum(y * w),
                          "y * w is multiplied element-wise but not summed": b + y * w})
        compare("the output y = f(a)", out, f(expected_a), case=case,
                hint="the output is the activation function applied to the total input, f(a)",
                mistakes={"f was applied before adding the bias: f(Σ y_i w_i) + b":
                          f(np.sum(y * w)) + b,
                          "the output is a itself: f was not applied": expected_a})
    _ok("neuron: a = b + Σ y_i w_i and y = f(a) on 4 inputs")


def layer(fn: Callable) -> None:
    """``fn(Y, W, b, f) -> (A, Y_out)`` for a batch: A = Y W^T + b (rows are samples)."""
    rng = np.random.default_rng(2)
    for n, d_in, d_out, fname, f in [(1, 2, 3, "identity", lambda a: a),
                                     (4, 2, 3, "sigmoid", _sigmoid),
                                     (5, 3, 1, "tanh", np.tanh)]:
        Y, W, b = rng.normal(size=(n, d_in)), rng.normal(size=(d_out, d_in)), rng.normal(size=d_out)
        case = f"Y of shape {Y.shape}, W of shape {W.shape}, b of shape {b.shape}, f = {fname}"
        result = _call(fn, Y, W, b, f, case=case,
                       hint="W is (neurons, inputs) and Y is (samples, inputs): which of them "
                            "must be transposed for the product to be (samples, neurons)?")
        if not isinstance(result, tuple) or len(result) != 2:
            _fail("layer should return the pair (A, Y_out)", case=case)
        A, out = result
        compare("A", A, Y @ W.T + b, case=case,
                hint="row n of A holds every neuron's a = b_l + Σ_k W[l, k] y_k for sample n: "
                     "A has shape (samples, neurons), so A = Y W^T + b",
                mistakes={"the bias is missing": Y @ W.T})
        compare("Y_out", out, f(Y @ W.T + b), case=case,
                hint="apply f to every element of A")
    _ok("layer: A = Y W^T + b and f(A) on 3 batches")


# --- 2. activations as ag.Function -----------------------------------------------------------

_TABLE: dict[str, tuple[Callable, Callable, str]] = {
    "sigmoid": (_sigmoid, lambda x: _sigmoid(x) * (1 - _sigmoid(x)), "f'(x) = f(x)(1 - f(x))"),
    "tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2, "f'(x) = 1 - f(x)^2"),
    "arctan": (np.arctan, lambda x: 1 / (x ** 2 + 1), "f'(x) = 1 / (x^2 + 1)"),
    "softplus": (lambda x: np.log1p(np.exp(x)), _sigmoid, "f'(x) = 1 / (1 + e^(-x))"),
    "bent_identity": (lambda x: (np.sqrt(x ** 2 + 1) - 1) / 2 + x,
                      lambda x: x / (2 * np.sqrt(x ** 2 + 1)) + 1,
                      "f'(x) = x / (2 sqrt(x^2 + 1)) + 1"),
    "gaussian": (lambda x: np.exp(-x ** 2), lambda x: -2 * x * np.exp(-x ** 2),
                 "f'(x) = -2x e^(-x^2)"),
    "sinusoid": (np.sin, np.cos, "f'(x) = cos(x)"),
}


def activation(function: type, name: str) -> None:
    """Check an ``ag.Function`` subclass against the course's table: forward, then backward
    with ``ag.gradcheck`` (float64 central differences) and against f'(x) from the table."""
    f, f_prime, formula = _TABLE[name]
    hint = f"the lecture's table gives {formula}; backward returns grad_output * f'(x)"
    x = np.linspace(-2.5, 2.0, 10)
    case = f"x = {_fmt(x)}"
    out = _call(function.apply, _t(x), case=case)
    compare(f"{name} forward", out, f(x), case=case, hint=f"f is the {name} of the table")

    # gradcheck: backward's Jacobian against central differences, element by element
    xs = _t(x, grad=True)
    try:
        ag.gradcheck(function.apply, (xs,))
    except ag.GradcheckError as exc:
        analytical = _grad_of(function, x)
        numerical = f_prime(x)
        bad = ~np.isclose(analytical, numerical, rtol=1e-3, atol=1e-5)
        k = int(np.argmax(np.abs(analytical - numerical)))
        detail = f"gradcheck: {exc}"
        if bad.any():
            detail += (f"\n  at x = {x[k]:.4g} (element {k}): finite differences give f'(x) = "
                       f"{numerical[k]:.6g}, your backward gives {analytical[k]:.6g}")
        recognised = _mistake(analytical, _derivative_mistakes(name, x)) or \
            _diagnose(analytical, numerical)
        if _ignores_upstream(function, x):
            recognised = ("this looks like a known mistake: backward returns f'(x) without "
                          "multiplying it by grad_output (∂L/∂f)")
        if recognised:
            detail += f"\n  {recognised}"
        _fail(f"{name}: backward disagrees with gradcheck", case=case, detail=detail, hint=hint)
    except ExerciseError:
        raise
    except NotImplementedError:
        raise
    except Exception as exc:
        _fail(f"{name}: backward raised {type(exc).__name__}: {exc}", case=case, hint=hint)
    g = _grad_of(function, x, upstream=np.linspace(0.5, 2.0, x.size))
    compare(f"{name}: dL/dx from backward", g, np.linspace(0.5, 2.0, x.size) * f_prime(x),
            case=case + ", grad_output = linspace(0.5, 2, 10)", hint=hint, rtol=1e-5)
    _ok(f"{name}: forward matches the table, backward passes ag.gradcheck")


def _grad_of(function: type, x: np.ndarray, upstream: np.ndarray | None = None) -> np.ndarray:
    xs = _t(x, grad=True)
    y = function.apply(xs)
    y.backward(_t(np.ones_like(x) if upstream is None else upstream))
    return _np(xs.grad)


def _ignores_upstream(function: type, x: np.ndarray) -> bool:
    try:
        one = _grad_of(function, x)
        three = _grad_of(function, x, upstream=3 * np.ones_like(x))
    except Exception:
        return False
    return bool(np.allclose(one, three) and np.any(np.abs(one) > 1e-9))


def _derivative_mistakes(name: str, x: np.ndarray) -> dict[str, Any]:
    s, th = _sigmoid(x), np.tanh(x)
    return {
        "sigmoid": {"f'(x) = f(x)(1 - f(x)): the factor (1 - f(x)) is missing": s,
                    "f'(x) = f(x)(1 - f(x)), computed on f(x) but written as x(1 - x)":
                        x * (1 - x)},
        "tanh": {"f'(x) = 1 - f(x)^2: the square is missing": 1 - th,
                 "f'(x) = 1 - f(x)^2, with f(x) the output, not x": 1 - x ** 2},
        "gaussian": {"the minus sign of -2x e^(-x^2) is missing": 2 * x * np.exp(-x ** 2)},
        "softplus": {"f'(x) is the logistic function of x, not softplus itself":
                     np.log1p(np.exp(x))},
    }.get(name, {})


# --- 3. back propagation in the 2-3-1 network --------------------------------------------------

def _reference_2_3_1(x, t, W1, b2, W2, b3) -> dict[str, np.ndarray]:
    """The engine's deltas: delta(i) = dL/da(i) read with retain_grad."""
    W1t, b2t, W2t, b3t = (_t(v, grad=True) for v in (W1, b2, W2, b3))
    a2 = W1t @ _t(x) + b2t
    a2.retain_grad()
    y2 = a2.sigmoid()
    a3 = W2t @ y2 + b3t
    a3.retain_grad()
    y3 = a3.sigmoid()
    loss = ((y3 - _t(t)) ** 2).sum()
    loss.backward()
    return {"delta3": _np(a3.grad), "delta2": _np(a2.grad), "dW2": _np(W2t.grad),
            "db3": _np(b3t.grad), "dW1": _np(W1t.grad), "db2": _np(b2t.grad),
            "y2": _np(y2), "y3": _np(y3), "a2": _np(a2), "a3": _np(a3)}


def backprop_2_3_1(fn: Callable) -> None:
    """``fn(x, t, W1, b2, W2, b3) -> dict`` with delta3, delta2, dW2, db3, dW1, db2."""
    rng = np.random.default_rng(3)
    keys = ["delta3", "delta2", "dW2", "db3", "dW1", "db2"]
    for _ in range(3):
        W1, b2 = rng.normal(size=(3, 2)), rng.normal(size=(3, 1))
        W2, b3 = rng.normal(size=(1, 3)), rng.normal(size=(1, 1))
        x, t = rng.normal(size=(2, 1)), rng.uniform(size=(1, 1))
        ref = _reference_2_3_1(x, t, W1, b2, W2, b3)
        case = f"x = {_fmt(x.ravel())} (column), t = {t.item():.4f}"
        got = _call(fn, x, t, W1, b2, W2, b3, case=case)
        if not isinstance(got, dict) or set(keys) - set(got):
            missing = sorted(set(keys) - set(got)) if isinstance(got, dict) else keys
            _fail(f"backprop should return a dict with the keys {keys}; missing {missing}",
                  case=case)
        fp3 = ref["y3"] * (1 - ref["y3"])
        d3 = ref["delta3"]
        hints = {
            "delta3": "δ(3) = f'(a(3)) ⊙ ∂L/∂y(3), with ∂L/∂y(3) = 2 (y(3) - t) for "
                      "L = ||y(3) - t||² (the slide's (y(3) - t) belongs to ½||y(3) - t||²)",
            "delta2": "δ(2) = f'(a(2)) ⊙ W(2)^T δ(3)",
            "dW2": "∂L/∂W(2) = δ(3) y(2)^T, an outer product of shape (1, 3) like W(2)",
            "db3": "∂L/∂b(3) = δ(3)",
            "dW1": "∂L/∂W(1) = δ(2) y(1)^T with y(1) = a(1) = x: shape (3, 2) like W(1)",
            "db2": "∂L/∂b(2) = δ(2)",
        }
        mistakes = {
            "delta3": {"the factor 2 of ∂||y - t||²/∂y = 2(y - t) is missing (the slide's "
                       "formula is for ½||y - t||²; keep the 2 to match MSELoss)":
                           fp3 * (ref["y3"] - t),
                       "f'(a(3)) is missing: δ(3) = f'(a(3)) ⊙ ∂L/∂y(3)": 2 * (ref["y3"] - t),
                       "the sign is flipped: ∂L/∂y(3) = 2(y(3) - t), not 2(t - y(3))":
                           -d3},
            "delta2": {"f'(a(2)) is missing: δ(2) = f'(a(2)) ⊙ W(2)^T δ(3)": W2.T @ d3,
                       "f'(a(3)) was used instead of f'(a(2))": fp3 * (W2.T @ d3)},
            "dW2": {"the outer product is the wrong way round: y(2) δ(3)^T is W(2)^T's shape":
                    (d3 @ ref["y2"].T).T,
                    "δ(3) y(2)^T uses the output y(2) = f(a(2)), not a(2)": d3 @ ref["a2"].T},
            "dW1": {"the outer product is the wrong way round": (ref["delta2"] @ x.T).T},
            "db3": {}, "db2": {},
        }
        for key in keys:
            compare(key, got[key], ref[key], case=case, hint=hints[key], mistakes=mistakes[key])
    _ok("backprop: δ(3), δ(2) and the four gradients match the engine on 3 pairs (x, t)")


# --- 4. MSE ----------------------------------------------------------------------------------

def _engine_loss_grad(loss_fn: Callable, y: np.ndarray, *rest: Any) -> tuple[float, np.ndarray]:
    yt = _t(y, grad=True)
    loss = loss_fn(yt, *rest)
    loss.backward()
    return float(loss.item()), _np(yt.grad)


def _loss_cases(rng: np.random.Generator) -> list[np.ndarray]:
    return [rng.normal(size=4), rng.normal(size=(3, 1)), rng.normal(size=(4, 3))]


def mse(loss_fn: Callable, grad_fn: Callable) -> None:
    """``loss_fn(y, t)`` = mean((y - t)^2) over every element; ``grad_fn(y, t)`` = dL/dy."""
    rng = np.random.default_rng(4)
    for y in _loss_cases(rng):
        t = rng.normal(size=y.shape)
        case = f"y and t of shape {y.shape}"
        loss, grad = _engine_loss_grad(F.mse_loss, y, _t(t))
        n_rows = y.shape[0]
        compare("MSE loss", _call(loss_fn, y, t, case=case), loss, case=case,
                hint="L = (1/N) Σ (y - t)², the mean over all N elements (PyTorch's MSELoss)",
                mistakes={"the sum is not divided by the number of elements":
                          np.sum((y - t) ** 2),
                          "the square is missing": np.mean(y - t)})
        compare("dL/dy", _call(grad_fn, y, t, case=case), grad, case=case,
                hint="∂L/∂y = 2 (y - t) / N, with N the number of elements of y",
                mistakes={"the 1/N of the mean is missing": 2 * (y - t),
                          "the 2 of the square's derivative is missing": (y - t) / y.size,
                          "divided by the number of rows, not of elements":
                              2 * (y - t) / n_rows,
                          "the sign is flipped: ∂/∂y (y - t)² = 2(y - t)": 2 * (t - y) / y.size})
    _ok("MSE: loss and gradient match F.mse_loss and its backward on 3 shapes")


# --- 5. cross-entropy --------------------------------------------------------------------------

_MINUS = ("the slides write the cross-entropy without its minus sign; with it, as in PyTorch, "
          "the loss is positive and is minimised")


def bce(loss_fn: Callable, grad_fn: Callable, logits_grad_fn: Callable) -> None:
    """Binary cross-entropy on probabilities y, its gradient, and the gradient w.r.t. logits."""
    rng = np.random.default_rng(5)
    for shape in [(4,), (5, 1)]:
        y = rng.uniform(0.05, 0.95, size=shape)
        t = rng.permutation(np.arange(y.size) % 2).reshape(shape).astype(np.float64)
        case = f"y = {_fmt(y.ravel())}, t = {_fmt(t.ravel())} (shape {shape})"
        loss, grad = _engine_loss_grad(F.binary_cross_entropy, y, _t(t))
        slide = np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))
        compare("BCE loss", _call(loss_fn, y, t, case=case), loss, case=case,
                hint="L = -(1/N) Σ [t log y + (1 - t) log(1 - y)]",
                mistakes={_MINUS: slide,
                          "the (1 - t) log(1 - y) term is missing": -np.mean(t * np.log(y))})
        compare("dL/dy", _call(grad_fn, y, t, case=case), grad, case=case,
                hint="∂L/∂y = -(1/N) [t / y - (1 - t) / (1 - y)]",
                mistakes={_MINUS: -grad,
                          "the 1/N of the mean is missing": grad * y.size})
        a = rng.normal(size=shape) * 2
        _, grad_a = _engine_loss_grad(F.binary_cross_entropy_with_logits, a, _t(t))
        case_a = f"a = {_fmt(a.ravel())}, t = {_fmt(t.ravel())}"
        compare("dL/da (logits)", _call(logits_grad_fn, a, t, case=case_a), grad_a, case=case_a,
                hint="with y = σ(a), the chain rule ∂L/∂y · σ'(a) simplifies to (σ(a) - t) / N",
                mistakes={"σ(a) - t without the 1/N of the mean": _sigmoid(a) - t,
                          "this is ∂L/∂y, the chain rule's σ'(a) factor is missing":
                              _engine_loss_grad(F.binary_cross_entropy, _sigmoid(a), _t(t))[1]})
    _ok("BCE: loss and gradients match F.binary_cross_entropy(_with_logits)")


def multiclass_ce(loss_fn: Callable, grad_fn: Callable) -> None:
    """Cross-entropy of probabilities Y (N, K) against one-hot targets T, and dL/dY."""
    rng = np.random.default_rng(6)
    for n, k in [(2, 3), (4, 5)]:
        z = rng.normal(size=(n, k))
        y = np.exp(z) / np.exp(z).sum(1, keepdims=True)
        labels = rng.integers(0, k, size=n)
        T = np.eye(k)[labels]
        case = f"Y of shape {y.shape} (rows sum to 1), one-hot T for classes {labels.tolist()}"
        loss, grad = _engine_loss_grad(lambda yt, lab: F.nll_loss(yt.log(), lab), y,
                                       ag.tensor(labels))
        compare("cross-entropy", _call(loss_fn, y, T, case=case), loss, case=case,
                hint="L = -(1/N) Σ_n Σ_k T_nk log Y_nk (N samples, the mean over samples only)",
                mistakes={_MINUS: -loss,
                          "divided by N·K (every element) instead of N (samples)": loss / k})
        compare("dL/dY", _call(grad_fn, y, T, case=case), grad, case=case,
                hint="∂L/∂Y_nk = -T_nk / (N Y_nk)",
                mistakes={_MINUS: -grad, "the 1/N is missing": grad * n})
    _ok("multi-class cross-entropy: loss and gradient match F.nll_loss(log Y) and its backward")


# --- 6. a Linear layer's backward ---------------------------------------------------------------

class _Ctx:
    """A stand-in ctx to call forward and backward directly, outside the engine."""

    def save_for_backward(self, *items: Any) -> None:
        self.saved_tensors = items


def linear_backward(function: type) -> None:
    """``function``: an ag.Function with forward(ctx, x, W, b) = x W^T + b and its backward."""
    rng = np.random.default_rng(7)
    n, d_in, d_out = 5, 3, 4
    x, W, b = rng.normal(size=(n, d_in)), rng.normal(size=(d_out, d_in)), rng.normal(size=d_out)
    g = rng.normal(size=(n, d_out))
    case = f"x {x.shape}, W {W.shape}, b {b.shape}, grad_output {g.shape}"
    hint = ("for y = x W^T + b: ∂L/∂x = grad W, ∂L/∂W = grad^T x (shape of W), "
            "∂L/∂b = grad summed over the batch (shape of b)")
    ctx = _Ctx()
    out = _call(function.forward, ctx, _t(x), _t(W), _t(b), case=case)
    compare("forward", out, x @ W.T + b, case=case, hint="y = x W^T + b, as nn.Linear")
    grads = _call(function.backward, ctx, _t(g), case=case, hint=hint)
    if not isinstance(grads, tuple) or len(grads) != 3:
        _fail("backward should return three gradients (for x, W and b)", case=case, hint=hint)
    expected = {"dL/dx": (g @ W, {}),
                "dL/dW": (g.T @ x, {"x^T grad is W^T's gradient; W is (out, in)": x.T @ g}),
                "dL/db": (g.sum(0), {"grad_output was not summed over the batch: every sample "
                                     "adds its gradient to the one shared bias": g})}
    for got, (name, (value, mistakes)) in zip(grads, expected.items()):
        compare(name, got, value, case=case, hint=hint, mistakes=mistakes)
    xs, Ws, bs = _t(x, grad=True), _t(W, grad=True), _t(b, grad=True)
    try:
        ag.gradcheck(function.apply, (xs, Ws, bs))
    except ag.GradcheckError as exc:
        _fail("gradcheck disagrees", case=case, detail=str(exc), hint=hint)
    _ok("Linear backward: the three gradients have the right shapes and pass ag.gradcheck")


# --- 7. linear regression with gradient descent --------------------------------------------------

def _gd_reference(X, t, lr, epochs, *, accumulate=False, ascent=False):
    """Full-batch gradient descent on L = mean((X w + b - t)^2), from w = 0, b = 0."""
    n, d = X.shape
    w, b = np.zeros((d, 1)), np.zeros(1)
    gw_sum, gb_sum = np.zeros((d, 1)), np.zeros(1)
    losses = []
    for _ in range(epochs):
        r = X @ w + b - t
        losses.append(float(np.mean(r ** 2)))
        gw, gb = 2 * X.T @ r / n, 2 * r.sum(0) / n
        if accumulate:
            gw_sum, gb_sum = gw_sum + gw, gb_sum + gb
            gw, gb = gw_sum, gb_sum
        sign = 1 if ascent else -1
        w, b = w + sign * lr * gw, b + sign * lr * gb
    return w, b, np.array(losses)


def linear_regression(fn: Callable) -> None:
    """``fn(X, t, lr, epochs) -> (w, b, losses)``: gradient descent with autograd."""
    rng = np.random.default_rng(8)
    X = rng.uniform(-1, 1, size=(20, 2))
    t = X @ np.array([[2.0], [-1.0]]) + 0.5 + 0.05 * rng.normal(size=(20, 1))
    lr, epochs = 0.1, 30
    case = f"X of shape {X.shape}, t of shape {t.shape}, lr = {lr}, epochs = {epochs}"
    got = _call(fn, _t(X), _t(t), lr, epochs, case=case)
    if not isinstance(got, tuple) or len(got) != 3:
        _fail("train should return (w, b, losses)", case=case)
    w, b, losses = got
    ref_w, ref_b, ref_losses = _gd_reference(X, t, lr, epochs)
    compare("the list of losses (one per epoch, before its update)", [float(v) for v in losses],
            ref_losses, case=case,
            hint="each epoch: the loss mean((X w + b - t)²), backward, then the step "
                 "W_new = W_old - α ∂L/∂W for w and for b under ag.no_grad(), and zero both "
                 "gradients",
            mistakes={"the gradients were never zeroed, so they accumulate over the epochs "
                      "(zero w.grad and b.grad after each update, as opt.zero_grad() does)":
                      _gd_reference(X, t, lr, epochs, accumulate=True)[2],
                      "the update goes up the gradient: W_new = W_old - α ∂L/∂W has a minus":
                      _gd_reference(X, t, lr, epochs, ascent=True)[2]}, rtol=1e-5)
    compare("w", w, ref_w, case=case, rtol=1e-5)
    compare("b", np.reshape(_as_array(b, "b"), -1), ref_b, case=case, rtol=1e-5)
    _ok(f"linear regression: {epochs} epochs of gradient descent match the formula's trajectory")


# --- 8. logistic regression ------------------------------------------------------------------

def logistic_gradients(fn: Callable) -> None:
    """``fn(X, t, w, b) -> (loss, dw, db)`` for y = σ(X w + b) and the BCE loss."""
    rng = np.random.default_rng(9)
    for n, d in [(4, 2), (6, 3)]:
        X, t = rng.normal(size=(n, d)), (rng.uniform(size=(n, 1)) > 0.5).astype(float)
        w, b = rng.normal(size=(d, 1)), rng.normal(size=1)
        case = f"X {X.shape}, t {t.shape}, w {w.shape}, b {b.shape}"
        wt, bt = _t(w, grad=True), _t(b, grad=True)
        loss = F.binary_cross_entropy_with_logits(_t(X) @ wt + bt, _t(t))
        loss.backward()
        got = _call(fn, X, t, w, b, case=case)
        if not isinstance(got, tuple) or len(got) != 3:
            _fail("logistic_gradients should return (loss, dw, db)", case=case)
        y = _sigmoid(X @ w + b)
        hint = "with y = σ(X w + b): ∂L/∂w = X^T (y - t) / N and ∂L/∂b = mean(y - t)"
        compare("loss", got[0], loss.item(), case=case,
                hint="L = -(1/N) Σ [t log y + (1 - t) log(1 - y)]",
                mistakes={_MINUS: -loss.item()})
        compare("dw", got[1], _np(wt.grad), case=case, hint=hint,
                mistakes={"the sign is flipped: (t - y) instead of (y - t)": X.T @ (t - y) / n,
                          "the 1/N of the mean is missing": X.T @ (y - t)})
        compare("db", np.reshape(_as_array(got[2], "db"), -1), _np(bt.grad), case=case,
                hint=hint, mistakes={"the sign is flipped": [np.mean(t - y)]})
    _ok("logistic regression: loss and gradients match binary_cross_entropy_with_logits")


def logistic_regression(fn: Callable) -> None:
    """``fn(X, t, lr, epochs) -> (w, b)`` trains; checked by its accuracy and its loss."""
    rng = np.random.default_rng(10)
    X = np.concatenate([rng.normal(-1.5, 1, size=(40, 2)), rng.normal(1.5, 1, size=(40, 2))])
    t = np.concatenate([np.zeros((40, 1)), np.ones((40, 1))])
    case = "two Gaussian blobs of 40 points each, lr = 0.5, epochs = 200"
    got = _call(fn, X, t, 0.5, 200, case=case)
    if not isinstance(got, tuple) or len(got) != 2:
        _fail("train_logistic_regression should return (w, b)", case=case)
    w, b = _as_array(got[0], "w").reshape(-1, 1), _as_array(got[1], "b").reshape(-1)
    accuracy = float(np.mean((X @ w + b > 0) == (t > 0.5)))
    if accuracy < 0.9:
        _fail(f"accuracy {accuracy:.0%} on linearly separable blobs, expected at least 90%",
              case=case, detail=f"w = {_fmt(w.ravel())}, b = {_fmt(b)}",
              hint="gradient descent goes down the gradient, W_new = W_old - α ∂L/∂W; an "
                   "accuracy near 0% means it went the wrong way")
    _ok(f"logistic regression: {accuracy:.0%} training accuracy")


# --- 9. softmax and cross-entropy, numerically stable -------------------------------------------

def softmax(fn: Callable) -> None:
    """``fn(z)``: softmax of each row of z (N, K), stable for large logits."""
    rng = np.random.default_rng(11)
    cases = [("random logits", rng.normal(size=(3, 4))),
             ("one row", rng.normal(size=(1, 5))),
             ("large logits", np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]]))]
    for name, z in cases:
        case = f"{name}, z = {_fmt(z)}"
        expected = _np(F.softmax(_t(z), dim=1))
        e = np.exp(z - z.max(axis=0, keepdims=True))  # the wrong axis, computed stably
        got = _call(fn, z, case=case)
        compare("softmax(z)", got, expected, case=case,
                hint="softmax(z)_j = e^(z_j) / Σ_k e^(z_k) over each row (dim=1); subtracting "
                     "the row's max first gives the same values and never overflows",
                mistakes={"softmax over the wrong axis: the columns sum to 1, the rows should":
                          e / e.sum(0, keepdims=True)})
    _ok("softmax: rows sum to 1, values in (0, 1) (not [-1, 1] as a slide says), "
        "finite for logits of ±1000")


def cross_entropy(loss_fn: Callable, grad_fn: Callable) -> None:
    """``loss_fn(z, labels)`` = F.cross_entropy; ``grad_fn(z, labels)`` = dL/dz."""
    rng = np.random.default_rng(12)
    cases = [("random logits", rng.normal(size=(4, 3)), np.array([0, 2, 1, 2])),
             ("large logits", np.array([[1000.0, 0.0, -1000.0], [0.0, 500.0, 0.0]]),
              np.array([2, 1]))]
    for name, z, labels in cases:
        case = f"{name}, z = {_fmt(z)}, labels = {labels.tolist()}"
        loss, grad = _engine_loss_grad(F.cross_entropy, z, ag.tensor(labels))
        n = z.shape[0]
        compare("cross-entropy", _call(loss_fn, z, labels, case=case), loss, case=case,
                hint="L = -(1/N) Σ_n log softmax(z_n)[label_n], with log softmax(z) = "
                     "z - max - log Σ e^(z - max) computed without exponentiating z itself",
                mistakes={_MINUS: -loss})
        onehot = np.eye(z.shape[1])[labels]
        p = _np(F.softmax(_t(z), dim=1))
        compare("dL/dz", _call(grad_fn, z, labels, case=case), grad, case=case,
                hint="∂L/∂z = (softmax(z) - onehot(labels)) / N",
                mistakes={"the 1/N of the mean is missing": p - onehot,
                          "the sign is flipped: softmax(z) - onehot, not the reverse":
                              (onehot - p) / n})
    _ok("cross-entropy: loss and gradient match F.cross_entropy, also for logits of ±1000")


# --- 10 and 11. optimizers against optim's trajectories -----------------------------------------

_A = np.array([[3.0, 0.5], [0.5, 1.0]])
_C = np.array([1.0, -2.0])


def _quadratic_grad(p: np.ndarray) -> np.ndarray:
    """The gradient of the loss L(p) = ½ p^T A p + c^T p used by the optimizer checks."""
    return _A @ p + _C


def _optim_trajectory(make_opt: Callable, p0: np.ndarray, steps: int) -> np.ndarray:
    p = _t(p0, grad=True)
    opt = make_opt([p])
    path = [p0.copy()]
    for _ in range(steps):
        opt.zero_grad()
        loss = 0.5 * (p @ (_t(_A) @ p)) + (_t(_C) * p).sum()
        loss.backward()
        opt.step()
        path.append(_np(p))
    return np.array(path)


def _compare_path(name: str, got: np.ndarray, expected: np.ndarray, case: str, hint: str,
                  mistakes: dict[str, np.ndarray]) -> None:
    for k in range(1, len(expected)):
        if not np.allclose(got[k], expected[k], rtol=1e-7, atol=1e-10):
            recognised = _mistake(got, mistakes)
            detail = f"first wrong at step {k}: expected {_fmt(expected[k])}, got {_fmt(got[k])}"
            if recognised:
                detail += f"\n  {recognised}"
            elif not np.all(np.isfinite(got[k])):
                detail += ("\n  not a number: a division by zero? (in Adam, t counts from 1, so "
                           "1 - β^t is never 0)")
            _fail(f"{name}: the parameters differ from optim's after step {k}", case=case,
                  detail=detail, hint=hint)


def _run_steps(step: Callable, p0: np.ndarray, steps: int, n_state: int, case: str,
               **hyper: Any) -> np.ndarray:
    p = p0.copy()
    state = [np.zeros_like(p0) for _ in range(n_state)]
    path = [p.copy()]
    for k in range(1, steps + 1):
        extra = {"t": k} if "betas" in hyper else {}
        out = _call(step, p.copy(), _quadratic_grad(p), *state, **extra, **hyper, case=case)
        if not isinstance(out, tuple) or len(out) != n_state + 1:
            _fail(f"the step should return {n_state + 1} arrays (the parameter and its state)",
                  case=case)
        p = _as_array(out[0], "p")
        state = [_as_array(s, "state") for s in out[1:]]
        path.append(p.copy())
    return np.array(path)


def _momentum_reference(p0, steps, lr, momentum, nesterov, *, ema=False, nesterov_no_grad=False):
    p, buf, path = p0.copy(), np.zeros_like(p0), [p0.copy()]
    for _ in range(steps):
        g = _quadratic_grad(p)
        buf = momentum * buf + ((1 - momentum) * g if ema else g)
        d = (momentum * buf if nesterov_no_grad else g + momentum * buf) if nesterov else buf
        p = p - lr * d
        path.append(p.copy())
    return np.array(path)


def momentum(step: Callable) -> None:
    """``step(p, grad, buf, lr, momentum, nesterov) -> (p, buf)`` against optim.SGD."""
    p0, steps = np.array([1.5, -0.5]), 15
    for nesterov in (False, True):
        hyper = {"lr": 0.1, "momentum": 0.9, "nesterov": nesterov}
        case = (f"L(p) = ½ pᵀAp + cᵀp from p0 = {p0.tolist()}, {steps} steps, "
                f"lr = 0.1, momentum = 0.9, nesterov = {nesterov}")
        expected = _optim_trajectory(lambda ps, h=hyper: optim.SGD(ps, **h), p0, steps)
        got = _run_steps(step, p0, steps, 1, case, **hyper)
        hint = ("PyTorch's rule: buf = μ buf + g (buf starts at 0); then p -= lr * buf, or with "
                "Nesterov p -= lr * (g + μ buf)")
        mistakes = {
            "buf = μ buf + (1 - μ) g is an average; PyTorch's buffer adds g undamped":
                _momentum_reference(p0, steps, 0.1, 0.9, nesterov, ema=True),
            "the step ignores the momentum buffer (plain gradient descent)":
                _momentum_reference(p0, steps, 0.1, 0.0, False),
        }
        if nesterov:
            mistakes["Nesterov's step is g + μ buf: the current gradient g is missing"] = \
                _momentum_reference(p0, steps, 0.1, 0.9, True, nesterov_no_grad=True)
            mistakes["the Nesterov look-ahead is missing (this is plain momentum)"] = \
                _momentum_reference(p0, steps, 0.1, 0.9, False)
        _compare_path("momentum" + (" (Nesterov)" if nesterov else ""), got, expected, case,
                      hint, mistakes)
    _ok(f"momentum and Nesterov: {steps} steps match optim.SGD's trajectory")


def _adam_reference(p0, steps, lr, betas, eps, *, correction=True, eps_inside=False,
                    square=True):
    b1, b2 = betas
    p, m, v, path = p0.copy(), np.zeros_like(p0), np.zeros_like(p0), [p0.copy()]
    for t in range(1, steps + 1):
        g = _quadratic_grad(p)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * (g * g if square else g)
        mh, vh = (m / (1 - b1 ** t), v / (1 - b2 ** t)) if correction else (m, v)
        with np.errstate(invalid="ignore", divide="ignore"):
            p = p - lr * mh / (np.sqrt(vh + eps) if eps_inside else np.sqrt(vh) + eps)
        path.append(p.copy())
    return np.array(path)


def adam(step: Callable) -> None:
    """``step(p, grad, m, v, t, lr, betas, eps) -> (p, m, v)`` against optim.Adam."""
    p0, steps = np.array([1.5, -0.5]), 15
    for lr, eps in [(0.1, 1e-8), (0.05, 0.1)]:
        hyper = {"lr": lr, "betas": (0.9, 0.999), "eps": eps}
        case = (f"L(p) = ½ pᵀAp + cᵀp from p0 = {p0.tolist()}, {steps} steps, lr = {lr}, "
                f"betas = (0.9, 0.999), eps = {eps}; t counts steps from 1")
        expected = _optim_trajectory(lambda ps, h=hyper: optim.Adam(ps, **h), p0, steps)
        got = _run_steps(step, p0, steps, 2, case, **hyper)
        hint = ("m = β1 m + (1 - β1) g, v = β2 v + (1 - β2) g², m̂ = m / (1 - β1^t), "
                "v̂ = v / (1 - β2^t), p -= lr m̂ / (√v̂ + eps)")
        mistakes = {
            "the bias corrections m / (1 - β1^t) and v / (1 - β2^t) are missing":
                _adam_reference(p0, steps, lr, (0.9, 0.999), eps, correction=False),
            "eps is added inside the square root; PyTorch adds it to √v̂":
                _adam_reference(p0, steps, lr, (0.9, 0.999), eps, eps_inside=True),
            "v averages g, not g²: the second moment is the running mean of the squares":
                _adam_reference(p0, steps, lr, (0.9, 0.999), eps, square=False),
        }
        _compare_path("Adam", got, expected, case, hint, mistakes)
    _ok(f"Adam: {steps} steps match optim.Adam's trajectory (two settings of lr and eps)")


# --- 12. mini-batches --------------------------------------------------------------------------

def minibatches(fn: Callable) -> None:
    """``fn(n, batch_size, rng) -> list of index arrays``: a shuffled pass over 0..n-1."""
    for n, bs in [(10, 3), (8, 8), (5, 1), (7, 10)]:
        case = f"n = {n}, batch_size = {bs}"
        rng = np.random.default_rng(0)
        got = _call(fn, n, bs, rng, case=case)
        batches = [np.asarray(batch).ravel() for batch in got]
        sizes = [len(batch) for batch in batches]
        expected_sizes = [bs] * (n // bs) + ([n % bs] if n % bs else [])
        if sum(sizes) != n:
            _fail(f"the mini-batches hold {sum(sizes)} indices, expected n = {n}", case=case,
                  detail=f"batch sizes: {sizes}",
                  hint="every sample is used once per epoch; when batch_size does not divide "
                       "n, the last mini-batch is smaller (PyTorch's drop_last=False)")
        if sizes != expected_sizes:
            _fail("wrong batch sizes", case=case, detail=f"expected {expected_sizes}, got {sizes}",
                  hint="consecutive slices of batch_size indices, the last one possibly smaller")
        flat = np.concatenate(batches)
        if sorted(flat.tolist()) != list(range(n)):
            _fail("the indices are not each of 0..n-1 exactly once", case=case,
                  detail=f"got {flat.tolist()}", hint="split one permutation of range(n)")
        expected = np.random.default_rng(0).permutation(n)
        if n > 1 and np.array_equal(flat, np.arange(n)):
            _fail("the samples are not shuffled", case=case, detail=f"got {flat.tolist()}",
                  hint="draw the order with rng.permutation(n) once per epoch")
        compare("the concatenated indices", flat, expected, case=case,
                hint="use rng.permutation(n) once, then cut it into slices of batch_size")
    _ok("mini-batches: every index once, sizes batch_size with a smaller last one, shuffled")


def _train_epoch_reference(model, X, T, batch_size, lr, seed, *, zero=True, drop_last=False):
    opt = optim.SGD(model.parameters(), lr=lr)
    order = np.random.default_rng(seed).permutation(len(X))
    losses = []
    stop = len(X) - len(X) % batch_size if drop_last else len(X)
    for start in range(0, stop, batch_size):
        idx = order[start:start + batch_size]
        if zero:
            opt.zero_grad()
        loss = F.mse_loss(model(_t(X[idx])), _t(T[idx]))
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return np.array(losses)


def train_epoch(fn: Callable, minibatches_fn: Callable) -> None:
    """``fn(model, X, T, loss_fn, opt, batch_size, rng) -> list of losses``: one epoch."""
    rng = np.random.default_rng(13)
    X, T = rng.normal(size=(10, 2)), rng.normal(size=(10, 1))
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1)).double()
    start = copy.deepcopy(model.state_dict())
    bs, lr = 4, 0.1
    case = f"X {X.shape}, T {T.shape}, a 2-3-1 tanh network, batch_size = {bs}, SGD lr = {lr}"

    def fresh() -> nn.Module:
        m = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1)).double()
        m.load_state_dict(copy.deepcopy(start))
        return m

    ref_model = fresh()
    expected = _train_epoch_reference(ref_model, X, T, bs, lr, seed=0)
    student_model = fresh()
    opt = optim.SGD(student_model.parameters(), lr=lr)
    got = _call(fn, student_model, _t(X), _t(T), nn.MSELoss(), opt, bs,
                np.random.default_rng(0), case=case)
    got = [float(v.item() if isinstance(v, ag.Tensor) else v) for v in got]
    compare("the list of mini-batch losses", got, expected, case=case,
            hint="for each mini-batch of minibatches(n, batch_size, rng): zero the "
                 "gradients, compute the loss on that mini-batch only, back-propagate, step",
            mistakes={"the gradients are never zeroed: call opt.zero_grad() before each "
                      "backward, or they add up over the mini-batches":
                      _train_epoch_reference(fresh(), X, T, bs, lr, seed=0, zero=False),
                      "the last, smaller mini-batch is left out":
                      _train_epoch_reference(fresh(), X, T, bs, lr, seed=0, drop_last=True)},
            rtol=1e-6)
    for (name, p), q in zip(student_model.named_parameters(), ref_model.parameters()):
        compare(f"parameter {name} after the epoch", p, q, case=case, rtol=1e-6)
    _ok("train_epoch: losses and parameters after one epoch match the reference loop")


# --- 13. convolution by im2col -----------------------------------------------------------------

def _conv_naive(x, W, b, stride, padding):
    """Cross-correlation as nn.Conv2d computes it, with four explicit loops."""
    n, c, h, w = x.shape
    f, _, kh, kw = W.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh, ow = (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1
    out = np.zeros((n, f, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = np.tensordot(patch, W, axes=([1, 2, 3], [1, 2, 3])) + b
    return out


def _conv_naive_backward(g, x, W, stride, padding, *, overwrite=False):
    n, c, h, w = x.shape
    f, _, kh, kw = W.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dxp, dW = np.zeros_like(xp), np.zeros_like(W)
    for i in range(g.shape[2]):
        for j in range(g.shape[3]):
            rows, cols = slice(i * stride, i * stride + kh), slice(j * stride, j * stride + kw)
            patch = xp[:, :, rows, cols]
            dW += np.tensordot(g[:, :, i, j], patch, axes=([0], [0]))
            contribution = np.tensordot(g[:, :, i, j], W, axes=([1], [0]))
            if overwrite:
                dxp[:, :, rows, cols] = contribution
            else:
                dxp[:, :, rows, cols] += contribution
    dx = dxp[:, :, padding:padding + h, padding:padding + w]
    return dx, dW, g.sum((0, 2, 3))


def _patch_count(x_shape, w_shape, stride, padding) -> np.ndarray:
    """How many receptive fields each input pixel belongs to: dx for all-ones grad and W."""
    x = np.zeros((1,) + tuple(x_shape[1:]))
    W = np.ones((1,) + tuple(w_shape[1:]))
    g = np.ones_like(_conv_naive(x, W, np.zeros(1), stride, padding))
    return np.broadcast_to(_conv_naive_backward(g, x, W, stride, padding)[0], x_shape)


_CONV_CASES = [(2, 1, 5, 5, 2, 3, 1, 0), (1, 2, 6, 5, 3, 3, 2, 1), (2, 3, 4, 4, 2, 2, 1, 1)]


def _conv_inputs(rng, case_values):
    n, c, h, w, f, k, stride, padding = case_values
    x, W, b = rng.normal(size=(n, c, h, w)), rng.normal(size=(f, c, k, k)), rng.normal(size=f)
    case = (f"x {x.shape}, W {W.shape}, b {b.shape}, stride = {stride}, padding = {padding}")
    return x, W, b, stride, padding, case


def conv2d_forward(fn: Callable) -> None:
    """``fn(x, W, b, stride, padding)``: nn.Conv2d's forward, computed by im2col + matmul."""
    rng = np.random.default_rng(14)
    for values in _CONV_CASES:
        x, W, b, stride, padding, case = _conv_inputs(rng, values)
        compare("conv2d output", _call(fn, x, W, b, stride, padding, case=case),
                _conv_naive(x, W, b, stride, padding), case=case,
                hint="out[n, f, i, j] = b[f] + Σ_c,p,q W[f, c, p, q] x_pad[n, c, i s + p, j s + q]"
                     " (cross-correlation: the kernel is not flipped); im2col puts each patch in "
                     "a column so that the sum becomes W.reshape(F, -1) @ cols",
                mistakes={"the kernel is flipped: that is the mathematical convolution, "
                          "nn.Conv2d computes the cross-correlation":
                          _conv_naive(x, W[:, :, ::-1, ::-1], b, stride, padding)})
    _ok("conv2d forward by im2col: matches the four-loop cross-correlation on 3 shapes")


def conv2d_backward(fn: Callable) -> None:
    """``fn(grad, x, W, stride, padding) -> (dx, dW, db)`` by im2col and col2im."""
    rng = np.random.default_rng(15)
    for values in _CONV_CASES:
        x, W, b, stride, padding, case = _conv_inputs(rng, values)
        g = rng.normal(size=_conv_naive(x, W, b, stride, padding).shape)
        dx, dW, db = _conv_naive_backward(g, x, W, stride, padding)
        got = _call(fn, g, x, W, stride, padding, case=case)
        if not isinstance(got, tuple) or len(got) != 3:
            _fail("conv2d_backward should return (dx, dW, db)", case=case)
        hint = ("dW = Σ_n grad_n @ cols_n^T (reshaped like W); db = grad summed over n, i, j; "
                "dcols = W^T grad, and col2im adds every column back onto the pixels it came "
                "from, then drops the padding")
        compare("db", got[2], db, case=case, hint=hint)
        compare("dW", got[1], dW, case=case, hint=hint)
        got_dx = _as_array(got[0], "dx")
        overlap = _patch_count(x.shape, W.shape, stride, padding) > 1
        if (got_dx.shape == dx.shape and overlap.any()
                and np.allclose(got_dx[~overlap], dx[~overlap])
                and not np.allclose(got_dx[overlap], dx[overlap])):
            _fail("dx is wrong exactly where patches overlap", case=case,
                  detail="pixels that belong to one patch only are right; a pixel copied into "
                         "several columns must receive the sum (+=) of their gradients, "
                         "not the last one (=)", hint=hint)
        compare("dx", got_dx, dx, case=case, hint=hint)
    _ok("conv2d backward: dx, dW and db match the four-loop reference on 3 shapes")


# --- 14. an LSTM cell ----------------------------------------------------------------------------

def _lstm_numpy(x, h, c, W_ih, W_hh, b_ih, b_hh, order="ifgo", tanh_c=True, g_act=np.tanh):
    gates = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    parts = dict(zip(order, np.split(gates, 4, axis=1)))
    i, f, g, o = (_sigmoid(parts["i"]), _sigmoid(parts["f"]), g_act(parts["g"]),
                  _sigmoid(parts["o"]))
    c_new = f * c + i * g
    h_new = o * (np.tanh(c_new) if tanh_c else c_new)
    return h_new, c_new


def lstm_cell(fn: Callable) -> None:
    """``fn(x, h, c, W_ih, W_hh, b_ih, b_hh) -> (h', c')`` with ag ops, PyTorch's gate order."""
    rng = np.random.default_rng(16)
    n, d_in, d_h = 3, 4, 2
    arrays = [rng.normal(size=s) for s in
              [(n, d_in), (n, d_h), (n, d_h), (4 * d_h, d_in), (4 * d_h, d_h), (4 * d_h,),
               (4 * d_h,)]]
    names = ["x", "h", "c", "W_ih", "W_hh", "b_ih", "b_hh"]
    case = ", ".join(f"{k} {v.shape}" for k, v in zip(names, arrays))
    hint = ("gates = x W_ih^T + b_ih + h W_hh^T + b_hh, split into four in PyTorch's order "
            "(i, f, g, o); i, f, o = σ(...), g = tanh(...); c' = f ⊙ c + i ⊙ g; "
            "h' = o ⊙ tanh(c')")
    tensors = [_t(a, grad=True) for a in arrays]
    got = _call(fn, *tensors, case=case)
    if not isinstance(got, tuple) or len(got) != 2:
        _fail("lstm_cell should return (h_new, c_new)", case=case)
    h_exp, c_exp = _lstm_numpy(*arrays)
    wrong = {"the gates are split in the order (i, f, o, g); PyTorch's is (i, f, g, o)":
             _lstm_numpy(*arrays, order="ifog"),
             "h' = o ⊙ c' misses the tanh: h' = o ⊙ tanh(c')": _lstm_numpy(*arrays, tanh_c=False),
             "g uses σ; the candidate cell value g = tanh(...)":
             _lstm_numpy(*arrays, g_act=_sigmoid)}
    compare("c'", got[1], c_exp, case=case, hint=hint,
            mistakes={k: v[1] for k, v in wrong.items()})
    compare("h'", got[0], h_exp, case=case, hint=hint,
            mistakes={k: v[0] for k, v in wrong.items()})
    if not isinstance(got[0], ag.Tensor) or not got[0].requires_grad:
        _fail("h' is not part of the graph: no gradient could reach the weights", case=case,
              hint="compute with ag operations on the Tensors (@, +, .sigmoid(), .tanh(), "
                   "indexing); numpy arrays or .numpy() cut the graph")
    loss = (got[0] * got[0]).sum() + got[1].sum()
    loss.backward()
    for name, tensor in zip(names, tensors):
        if tensor.grad is None:
            _fail(f"no gradient reached {name}", case=case,
                  hint="every input takes part in h' or c'; a value converted to numpy and "
                       "back stops the gradient")
    try:
        ag.gradcheck(lambda *ts: fn(*ts)[0], tuple(_t(a, grad=True) for a in arrays))
    except ag.GradcheckError as exc:
        _fail("gradcheck disagrees for h'", case=case, detail=str(exc), hint=hint)
    _ok("LSTM cell: h' and c' match the formulas and gradients flow to all 7 inputs")
