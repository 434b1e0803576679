"""PyTorch's dotted names: autograd.nn, autograd.optim, autograd.utils.data, autograd.autograd.

A PyTorch program runs here after its imports are swapped (``import torch`` ->
``import autograd as torch``, ``import torch.nn as nn`` -> ``import autograd.nn as nn``),
so each import form must give the very objects of the top-level packages.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import autograd as ag
import nn
import optim

ROOT = Path(__file__).resolve().parents[1]


def run_fresh(code: str) -> str:
    """Run ``code`` in a new interpreter (nothing imported yet) from the repository root."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_import_autograd_alone_imports_neither_nn_nor_optim():
    out = run_fresh("""
        import sys
        import autograd
        print(sorted(m for m in sys.modules if m.split('.')[0] in ('nn', 'optim')))
        print(autograd.utils.data.DataLoader.__name__, autograd.autograd.Function.__name__)
        print(sorted(m for m in sys.modules if m.split('.')[0] in ('nn', 'optim')))
    """)
    assert out.split("\n")[:3] == ["[]", "DataLoader Function", "[]"]


def test_every_import_form_gives_the_top_level_objects_in_a_fresh_interpreter():
    out = run_fresh("""
        import autograd.nn as nn
        import autograd.nn.functional as F
        import autograd.optim.lr_scheduler as sched
        from autograd import optim
        from autograd.optim import SGD
        from autograd.nn import Linear
        from autograd.utils.data import DataLoader, TensorDataset
        from autograd.autograd import Function
        import autograd as torch
        import nn as real_nn, nn.functional as real_F, optim as real_optim
        import autograd.data, autograd.function
        assert nn is real_nn and F is real_F and optim is real_optim
        assert sched is real_optim.lr_scheduler and SGD is real_optim.SGD
        assert Linear is real_nn.Linear and torch.nn.Linear is real_nn.Linear
        assert DataLoader is autograd.data.DataLoader and TensorDataset is torch.data.TensorDataset
        assert Function is autograd.function.Function
        # the real modules keep their own names and specs
        assert nn.__name__ == 'nn' and nn.__spec__.name == 'nn'
        assert F.__spec__.name == 'nn.functional'
        print('ok')
    """)
    assert out.strip() == "ok"


def test_dotted_uses_in_a_body_resolve_to_the_same_objects():
    import autograd as torch

    assert torch.nn is nn and torch.optim is optim
    assert torch.nn.Linear is nn.Linear
    assert torch.nn.functional.relu is nn.functional.relu
    assert torch.optim.SGD is optim.SGD
    assert torch.optim.lr_scheduler.StepLR is optim.lr_scheduler.StepLR
    assert torch.utils.data.DataLoader is ag.data.DataLoader
    assert torch.utils.data.random_split is ag.data.random_split
    assert torch.autograd.grad is ag.grad
    assert torch.autograd.Function is ag.Function
    assert torch.autograd.functional is ag.functional
    assert torch.autograd.backward is ag.backward
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        torch.nonexistent  # noqa: B018


def test_import_statements_in_this_process():
    import autograd.nn as nn2
    import autograd.nn.functional as F2
    import autograd.nn.init as init2
    import autograd.optim.lr_scheduler as sched2
    import autograd.utils.data as data2
    from autograd.utils.data import DataLoader, Dataset, Subset, TensorDataset, random_split

    from autograd import nn as nn3
    from autograd import optim as optim3
    from autograd.autograd import Function, grad

    assert nn2 is nn and nn3 is nn and F2 is nn.functional and init2 is nn.init
    assert optim3 is optim and sched2 is optim.lr_scheduler and data2 is ag.data
    assert (DataLoader, Dataset, Subset, TensorDataset, random_split) == (
        ag.data.DataLoader, ag.data.Dataset, ag.data.Subset, ag.data.TensorDataset,
        ag.data.random_split)
    assert Function is ag.Function and grad is ag.grad
    with pytest.raises(ModuleNotFoundError, match="autograd.nn.nonexistent"):
        import autograd.nn.nonexistent  # noqa: F401


# --- autograd.backward -------------------------------------------------------------------------


def test_backward_of_several_tensors_adds_their_gradients():
    x = ag.tensor([1.0, 2.0, 3.0], dtype=ag.float64, requires_grad=True)
    a = (x * x).sum()
    b = x.sin()
    v = ag.tensor([1.0, -1.0, 0.5], dtype=ag.float64)
    ag.backward([a, b], [None, v])
    expected = 2 * x._array + v._array * np.cos(x._array)
    np.testing.assert_allclose(x.grad._array, expected, rtol=1e-15)
    ag.autograd.backward(x.sum())  # accumulates, as t.backward() does
    np.testing.assert_allclose(x.grad._array, 2 * x._array + v._array * np.cos(x._array) + 1)


def test_backward_with_inputs_only_fills_those():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = ag.tensor([3.0, 4.0], requires_grad=True)
    ag.backward((x * y).sum(), inputs=[y])
    assert x.grad is None
    np.testing.assert_array_equal(y.grad._array, [1.0, 2.0])


def test_backward_checks_the_number_of_gradients():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="2 tensors and 1 gradients"):
        ag.backward([x * 2, x * 3], [ag.ones(2)])
    with pytest.raises(RuntimeError, match="cannot be empty"):
        ag.backward(x.sum(), inputs=[])


def test_backward_matches_torch():
    torch = pytest.importorskip("torch")
    w = np.array([[0.5, -1.0], [2.0, 0.3]])
    v = np.array([0.7, -0.2])
    ours = ag.tensor(w, requires_grad=True)
    theirs = torch.tensor(w, requires_grad=True)
    ag.backward([(ours @ ours).sum(1), ours.exp().sum()], [ag.tensor(v), None])
    torch.autograd.backward([(theirs @ theirs).sum(1), theirs.exp().sum()],
                            [torch.tensor(v), None])
    np.testing.assert_allclose(ours.grad._array, theirs.grad.numpy(), rtol=1e-14)
