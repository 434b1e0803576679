"""The self-grading exercises in ``exercises/``.

The notebooks' cells are run in this process (no Jupyter kernel) in a fresh
namespace, in order, as a student's notebook would run them:

* with the reference solutions, every autograder test cell passes;
* with a typical wrong answer put in place of a solution (a missing minus sign,
  a forgotten f'(a), softmax over the wrong axis, gradients never zeroed...),
  the test cell fails with :class:`checks.ExerciseError` and the message says
  what the intended feedback says;
* with nothing filled in (the student version), no test cell passes;
* the committed student and teacher notebooks are what ``exercises/build.py``
  builds from the sources, and the student ones contain no solution code.

One teacher notebook is also executed with nbclient in a real kernel.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import sys
import warnings
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _load("exercise_build", EXERCISES / "build.py")
SOURCES = build.source_paths()
STEMS = [p.stem for p in SOURCES]

COURSE = [
    "01_neuron_forward",
    "02_activation_derivatives",
    "03_backprop_2_3_1",
    "04_mse_gradient",
    "05_cross_entropy_gradient",
    "06_linear_backward",
    "07_linear_regression",
    "08_logistic_regression",
    "09_softmax_cross_entropy",
    "10_momentum_nesterov",
    "11_adam",
    "12_minibatch_loop",
    "13_conv_im2col",
    "14_lstm_cell",
]


# The notebooks' `import checks` finds this module (their cells run in this process).
checks = sys.modules.setdefault("checks", _load("checks", EXERCISES / "checks.py"))


def run(stem: str, replace: tuple[tuple[str, str], ...] = (), student: bool = False):
    """Run an exercise's cells in order; the outcome of each test cell (None: passed).

    ``replace`` swaps text inside the solution regions only (each ``old`` must occur
    there): that is how a wrong answer is written.
    """
    cells = build.parse(EXERCISES / "src" / f"{stem}.py")
    for old, new in replace:
        hits = [c for c in cells if c["kind"] == "solution" and old in c["text"]
                and any(old in region for region in build.solution_regions(c["text"]))]
        assert hits, f"{stem}: {old!r} is not in a solution"
        for cell in hits:
            cell["text"] = cell["text"].replace(old, new)
    namespace: dict = {"__name__": f"exercise_{stem}"}
    saved_path = list(sys.path)
    sys.path.insert(0, str(EXERCISES))
    outcomes = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # overflow in a wrong answer's exp
            for cell in cells:
                if cell["kind"] == "markdown":
                    continue
                code = cell["text"]
                if student and cell["kind"] == "solution":
                    code = build.strip_solutions(code)
                compiled = compile(code, f"<{stem} {cell['kind']} cell>", "exec")
                if cell["kind"] != "test":
                    exec(compiled, namespace)
                    continue
                try:
                    with contextlib.redirect_stdout(io.StringIO()):
                        exec(compiled, namespace)
                    outcomes.append(None)
                except Exception as exc:  # a failed check, as the autograder records it
                    outcomes.append(exc)
    finally:
        sys.path[:] = saved_path
    return outcomes


def failure(stem: str, *replace: tuple[str, str]) -> str:
    """The message of the first test cell that a wrong answer makes fail."""
    failed = [exc for exc in run(stem, replace) if exc is not None]
    assert len(failed) >= 1, f"{stem}: the wrong answer {replace} passed every check"
    exc = failed[0]
    assert isinstance(exc, checks.ExerciseError), f"{type(exc).__name__}: {exc}"
    return str(exc)


# --- the course and the reference solutions ----------------------------------------------------

def test_the_exercises_follow_the_course():
    assert STEMS == COURSE


@pytest.mark.parametrize("stem", STEMS)
def test_reference_solution_passes_every_check(stem):
    outcomes = run(stem)
    assert outcomes, f"{stem} has no test cell"
    assert all(o is None for o in outcomes), [repr(o) for o in outcomes if o is not None]


@pytest.mark.parametrize("stem", STEMS)
def test_an_empty_student_notebook_earns_no_point(stem):
    outcomes = run(stem, student=True)
    assert outcomes and all(isinstance(o, NotImplementedError) for o in outcomes), outcomes


# --- the built notebooks -------------------------------------------------------------------------

def test_built_notebooks_are_up_to_date_with_their_sources():
    assert build.stale() == [], "run: .venv/bin/python exercises/build.py"


@pytest.mark.parametrize("stem", STEMS)
def test_student_notebook_has_no_solution_and_teacher_has_nbgrader_metadata(stem):
    src = EXERCISES / "src" / f"{stem}.py"
    student = nbformat.read(EXERCISES / "student" / f"{stem}.ipynb", as_version=4)
    teacher = nbformat.read(EXERCISES / "teacher" / f"{stem}.ipynb", as_version=4)
    student_code = "\n".join(c.source for c in student.cells)
    assert "BEGIN SOLUTION" not in student_code and "END SOLUTION" not in student_code
    outside = "\n".join(build.strip_solutions(c["text"]) for c in build.parse(src))
    for cell in build.parse(src):
        for region in build.solution_regions(cell["text"]):
            for line in region.split("\n"):
                line = line.strip()
                if len(line) > 12 and line not in outside:
                    assert line not in student_code, f"{stem}: solution line {line!r} leaked"
    kinds = {"solution": 0, "test": 0}
    ids = set()
    for s_cell, t_cell in zip(student.cells, teacher.cells, strict=True):
        meta = t_cell.metadata["nbgrader"]
        assert s_cell.metadata["nbgrader"] == meta
        assert meta["schema_version"] == 3 and meta["grade_id"] not in ids
        ids.add(meta["grade_id"])
        if meta["solution"]:
            kinds["solution"] += 1
            assert not meta["locked"] and not meta["grade"]
            assert "### BEGIN SOLUTION" in t_cell.source
            assert "# YOUR CODE HERE\n" in s_cell.source
            assert "raise NotImplementedError()" in s_cell.source
        elif meta["grade"]:
            kinds["test"] += 1
            assert meta["locked"] and meta["points"] > 0 and t_cell.cell_type == "code"
            assert s_cell.source == t_cell.source and "checks." in t_cell.source
        else:
            assert meta["locked"]
            assert s_cell.source == t_cell.source
    assert kinds["solution"] >= 1 and kinds["test"] >= 1


def test_strip_solutions_keeps_indentation_and_rejects_unbalanced_markers():
    text = "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n\ny = 1"
    assert build.strip_solutions(text) == (
        "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n\ny = 1"
    )
    with pytest.raises(ValueError, match="without ### END"):
        build.strip_solutions("### BEGIN SOLUTION\nx = 1")
    with pytest.raises(ValueError, match="without ### BEGIN"):
        build.strip_solutions("x = 1\n### END SOLUTION")


def test_parse_reads_grade_cells_and_rejects_unknown_markers(tmp_path):
    src = tmp_path / "99_x.py"
    src.write_text("# %% [markdown]\n# Hi\n# %%\nx = 1\n### BEGIN SOLUTION\ny = 2\n"
                   "### END SOLUTION\n# %% [grade 3]\nassert y == 2\n")
    cells = build.parse(src)
    assert [(c["kind"], c.get("points")) for c in cells] == [
        ("markdown", None), ("solution", None), ("test", 3)]
    src.write_text("# %% [grading 3]\nx = 1\n")
    with pytest.raises(ValueError, match="unknown cell marker"):
        build.parse(src)


@pytest.mark.notebooks
def test_a_teacher_notebook_runs_in_a_jupyter_kernel():
    pytest.importorskip("nbclient")
    notebooks = _load("notebook_execute", ROOT / "notebooks" / "execute.py")
    nb = nbformat.read(EXERCISES / "teacher" / "02_activation_derivatives.ipynb", as_version=4)
    from nbclient import NotebookClient

    notebooks.check_kernel()
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(EXERCISES / "teacher")}}).execute()
    texts = [out.get("text", "") for c in nb.cells if c.cell_type == "code" for out in c.outputs]
    assert sum(t.count("✓") for t in texts) == 4


# --- wrong answers give the intended feedback --------------------------------------------------

# (exercise, wrong answer as (old, new) replacements in the solution, what the feedback says)
MISTAKES = [
    ("01_neuron_forward", [("a = b + np.sum(y * w)", "a = np.sum(y * w)")],
     ["✗ a is wrong", "expected:", "got:", "input:", "the bias b is missing",
      "hint: a = b + Σ_i y_i w_i"]),
    ("01_neuron_forward", [("return a, f(a)", "return a, f(a - b) + b")],
     ["f was applied before adding the bias"]),
    ("01_neuron_forward", [("A = Y @ W.T + b", "A = Y @ W + b")],
     ["layer raised ValueError", "W of shape (3, 2)", "which of them must be transposed"]),
    ("02_activation_derivatives", [("grad_output * y * (1 - y)", "grad_output * y")],
     ["sigmoid: backward disagrees with gradcheck", "Jacobian mismatch for input 0 at element",
      "finite differences give f'(x) =", "the factor (1 - f(x)) is missing",
      "f'(x) = f(x)(1 - f(x))"]),
    ("02_activation_derivatives", [("grad_output * y * (1 - y)", "y * (1 - y)")],
     ["without multiplying it by grad_output"]),
    ("02_activation_derivatives", [("grad_output * (1 - y * y)", "grad_output * (1 - y)")],
     ["tanh: backward disagrees", "the square is missing"]),
    ("02_activation_derivatives", [("grad_output * (-2 * x * y)", "grad_output * (2 * x * y)")],
     ["gaussian: backward disagrees", "the minus sign of -2x e^(-x^2) is missing"]),
    ("03_backprop_2_3_1", [("f_prime(a3) * 2 * (y3 - t)", "f_prime(a3) * (y3 - t)")],
     ["✗ delta3 is wrong", "the factor 2", "½||y(3) - t||²"]),
    ("03_backprop_2_3_1", [("f_prime(a3) * 2 * (y3 - t)", "2 * (y3 - t)")],
     ["✗ delta3 is wrong", "f'(a(3)) is missing"]),
    ("03_backprop_2_3_1", [("f_prime(a2) * (W2.T @ delta3)", "W2.T @ delta3")],
     ["✗ delta2 is wrong", "f'(a(2)) is missing"]),
    ("03_backprop_2_3_1", [('"dW2": delta3 @ y2.T', '"dW2": y2 @ delta3.T')],
     ["dW2 has shape (3, 1), expected (1, 3)", "the wrong way round"]),
    ("04_mse_gradient", [("2 * (y - t) / y.size", "2 * (y - t)")],
     ["✗ dL/dy is wrong", "the 1/N of the mean is missing"]),
    ("04_mse_gradient", [("2 * (y - t) / y.size", "2 * (t - y) / y.size")],
     ["the sign is flipped"]),
    ("04_mse_gradient", [("2 * (y - t) / y.size", "2 * (y - t) / len(y)")],
     ["y and t of shape (4, 3)", "divided by the number of rows, not of elements"]),
    ("05_cross_entropy_gradient", [("return -np.mean(t * np.log(y)",
                                    "return np.mean(t * np.log(y)")],
     ["✗ BCE loss is wrong", "the slides write the cross-entropy without its minus sign"]),
    ("05_cross_entropy_gradient", [("return (sigmoid(a) - t) / a.size", "return sigmoid(a) - t")],
     ["✗ dL/da (logits) is wrong", "without the 1/N"]),
    ("05_cross_entropy_gradient", [("return -np.sum(T * np.log(Y)) / Y.shape[0]",
                                    "return -np.mean(T * np.log(Y))")],
     ["✗ cross-entropy is wrong", "divided by N·K (every element) instead of N (samples)"]),
    ("06_linear_backward", [("grad_W = grad_output.T @ x", "grad_W = x.T @ grad_output")],
     ["dL/dW has shape (3, 4), expected (4, 3)", "W is (out, in)"]),
    ("06_linear_backward", [("grad_b = grad_output.sum(0)", "grad_b = grad_output")],
     ["dL/db has shape (5, 4), expected (4,)", "not summed over the batch"]),
    ("06_linear_backward", [("grad_x = grad_output @ W", "grad_x = grad_output @ W.T")],
     ["backward raised RuntimeError", "grad_output (5, 4)", "∂L/∂x = grad W"]),
    ("07_linear_regression", [("        w.grad.zero_()\n        b.grad.zero_()\n", "")],
     ["first wrong element at index (2,)", "the gradients were never zeroed"]),
    ("07_linear_regression", [("w -= lr * w.grad", "w += lr * w.grad"),
                              ("b -= lr * b.grad", "b += lr * b.grad")],
     ["the update goes up the gradient"]),
    ("08_logistic_regression", [("delta = (y - t) / n", "delta = (t - y) / n")],
     ["✗ dw is wrong", "the sign is flipped: (t - y) instead of (y - t)"]),
    ("08_logistic_regression", [("loss = -np.mean(", "loss = np.mean(")],
     ["✗ loss is wrong", "without its minus sign"]),
    ("08_logistic_regression", [("delta = (y - t) / n", "delta = (y - t)")],
     ["✗ dw is wrong", "the 1/N of the mean is missing"]),
    ("08_logistic_regression", [("w = w - lr * dw", "w = w + lr * dw"),
                                ("b = b - lr * db", "b = b + lr * db")],
     ["on linearly separable blobs, expected at least 90%", "went the wrong way"]),
    ("09_softmax_cross_entropy", [("z.max(axis=1, keepdims=True))\n    return e / e.sum(axis=1",
                                   "z.max(axis=0, keepdims=True))\n    return e / e.sum(axis=0")],
     ["✗ softmax(z) is wrong", "softmax over the wrong axis"]),
    ("09_softmax_cross_entropy", [("e = np.exp(z - z.max(axis=1, keepdims=True))",
                                   "e = np.exp(z)")],
     ["softmax(z) contains nan", "large logits", "subtracting the row's max"]),
    ("09_softmax_cross_entropy", [("return -log_softmax(z)", "return log_softmax(z)")],
     ["✗ cross-entropy is wrong", "without its minus sign"]),
    ("09_softmax_cross_entropy", [("    shifted = z - z.max(axis=1, keepdims=True)\n",
                                   "    shifted = z\n")],
     ["cross-entropy contains inf", "large logits", "without exponentiating z itself"]),
    ("09_softmax_cross_entropy", [("return grad / n", "return grad")],
     ["✗ dL/dz is wrong", "the 1/N of the mean is missing"]),
    ("10_momentum_nesterov", [("buf = momentum * buf + grad",
                               "buf = momentum * buf + (1 - momentum) * grad")],
     ["differ from optim's after step 1", "nesterov = False", "PyTorch's buffer adds g undamped"]),
    ("10_momentum_nesterov", [("step = grad + momentum * buf if", "step = momentum * buf if")],
     ["momentum (Nesterov)", "the current gradient g is missing"]),
    ("10_momentum_nesterov", [("step = grad + momentum * buf if nesterov else buf",
                               "step = buf")],
     ["momentum (Nesterov)", "the Nesterov look-ahead is missing"]),
    ("11_adam", [("    m_hat = m / (1 - beta1 ** t)\n    v_hat = v / (1 - beta2 ** t)\n",
                  "    m_hat, v_hat = m, v\n")],
     ["Adam: the parameters differ from optim's after step 1", "bias corrections"]),
    ("11_adam", [("(np.sqrt(v_hat) + eps)", "np.sqrt(v_hat + eps)")],
     ["eps is added inside the square root"]),
    ("11_adam", [("(1 - beta2) * grad * grad", "(1 - beta2) * grad")],
     ["v averages g, not g²"]),
    ("11_adam", [("beta1 ** t", "beta1 ** (t - 1)"), ("beta2 ** t", "beta2 ** (t - 1)")],
     ["after step 1", "t counts from 1"]),
    ("12_minibatch_loop", [("range(0, n, batch_size)", "range(0, n - batch_size + 1, batch_size)")],
     ["the mini-batches hold 9 indices, expected n = 10", "the last mini-batch is smaller"]),
    ("12_minibatch_loop", [("order = rng.permutation(n)", "order = range(n)")],
     ["the samples are not shuffled"]),
    ("12_minibatch_loop", [("        opt.zero_grad()\n", "")],
     ["mini-batch losses is wrong", "call opt.zero_grad() before each backward"]),
    ("13_conv_im2col", [("W.reshape(f, -1) @ cols + b",
                         "W[:, :, ::-1, ::-1].reshape(f, -1) @ cols + b")],
     ["✗ conv2d output is wrong", "the kernel is flipped", "cross-correlation"]),
    ("13_conv_im2col", [("stride * ow:stride] += cols", "stride * ow:stride] = cols")],
     ["dx is wrong exactly where patches overlap", "the sum (+=)"]),
    ("13_conv_im2col", [("return xp[:, :, padding:padding + h, padding:padding + w]",
                         "return xp")],
     ["dx has shape (1, 2, 8, 7), expected (1, 2, 6, 5)", "padding = 1", "drops the padding"]),
    ("13_conv_im2col", [("db = grad.sum(axis=(0, 2, 3))", "db = grad.sum(axis=(2, 3))")],
     ["db has shape (2, 2), expected (2,)"]),
    ("14_lstm_cell", [("z_i, z_f, z_g, z_o = ag.chunk", "z_i, z_f, z_o, z_g = ag.chunk")],
     ["✗ c' is wrong", "the gates are split in the order (i, f, o, g)"]),
    ("14_lstm_cell", [("h_new = o * c_new.tanh()", "h_new = o * c_new")],
     ["✗ h' is wrong", "misses the tanh"]),
    ("14_lstm_cell", [("z_g.tanh()", "z_g.sigmoid()")],
     ["g uses σ"]),
    ("14_lstm_cell", [("z = x @ W_ih.T",
                       "z = ag.tensor(x.detach().numpy() @ W_ih.detach().numpy().T)")],
     ["no gradient reached x", "converted to numpy"]),
]


@pytest.mark.parametrize("stem, replace, says", MISTAKES,
                         ids=[f"{m[0][:2]}-{i}" for i, m in enumerate(MISTAKES)])
def test_a_typical_mistake_fails_with_teaching_feedback(stem, replace, says):
    message = failure(stem, *replace)
    for text in says:
        assert text in message, f"{text!r} not in:\n{message}"


def test_every_exercise_has_wrong_answers_tested():
    assert {m[0] for m in MISTAKES} == set(STEMS)


def test_feedback_never_shows_solution_code():
    """No solution line of any exercise appears in any failure message."""
    messages = [failure(stem, *replace) for stem, replace, _ in MISTAKES]
    for src in SOURCES:
        for cell in build.parse(src):
            for region in build.solution_regions(cell["text"]):
                for line in region.split("\n"):
                    line = line.strip()
                    if len(line) > 15:
                        assert not any(line in m for m in messages), line


def test_the_feedback_shown_on_the_site_is_what_the_check_says():
    page = (ROOT / "docs" / "exercises" / "index.md").read_text(encoding="utf-8")
    message = failure("02_activation_derivatives", ("grad_output * y * (1 - y)", "grad_output * y"))
    assert f"```\n{message}\n```" in page
