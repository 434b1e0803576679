"""PyTorch programs, written as PyTorch's tutorials write them, run here after an import swap.

Each program in tests/ported/ imports ``torch`` and uses it as the tutorials do
(``torch.nn``, ``torch.optim``, ``torch.utils.data``, DataLoader loops, a custom
``torch.autograd.Function``). The test rewrites only its import lines
(``import torch`` -> ``import autograd as torch`` ...), runs it, and, where
PyTorch is installed, runs the original too and compares what the two print:
the same text, and the same numbers to float32 accuracy. The programs start
their weights from numpy draws, so both frameworks begin at the same point.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PORTED = Path(__file__).resolve().parent / "ported"
PROGRAMS = sorted(p.name for p in PORTED.glob("*.py"))

# The swap a user makes by hand: import lines only, the body is left as it is.
IMPORT_SWAPS = [
    (re.compile(r"^(\s*)import torch$"), r"\1import autograd as torch"),
    (re.compile(r"^(\s*)import torch\.([\w.]+) as (\w+)$"), r"\1import autograd.\2 as \3"),
    (re.compile(r"^(\s*)from torch import "), r"\1from autograd import "),
    (re.compile(r"^(\s*)from torch\.([\w.]+) import "), r"\1from autograd.\2 import "),
]
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def swap_imports(source: str) -> str:
    """The program with its torch imports pointed at autograd; every other line unchanged."""
    lines = []
    for line in source.splitlines():
        if line.lstrip().startswith(("import torch", "from torch")):
            for pattern, replacement in IMPORT_SWAPS:
                line = pattern.sub(replacement, line)
            if "torch" in line.split(" as ")[0]:
                raise ValueError(f"no swap rule for the import line {line!r}")
        lines.append(line)
    return "\n".join(lines) + "\n"


def run_program(path: Path, cwd: Path) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    done = subprocess.run([sys.executable, str(path)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, f"{path.name} failed:\n{done.stderr}"
    return done.stdout


_swapped_outputs: dict[str, str] = {}


def run_swapped(name: str, tmp_path: Path) -> str:
    """What the program prints after the import swap (run once per session)."""
    if name not in _swapped_outputs:
        swapped = tmp_path / name
        swapped.write_text(swap_imports((PORTED / name).read_text()))
        _swapped_outputs[name] = run_program(swapped, tmp_path)
    return _swapped_outputs[name]


def numbers(text: str) -> list[float]:
    return [float(n) for n in NUMBER.findall(text)]


def test_swap_touches_import_lines_only():
    source = ("import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"
              "from torch import nn, optim\nfrom torch.utils.data import DataLoader\n"
              "from torch.autograd import Function\n"
              "x = torch.nn.Linear(2, 3)  # import torch in a comment stays\n")
    assert swap_imports(source).splitlines() == [
        "import autograd as torch",
        "import autograd.nn as nn",
        "import autograd.nn.functional as F",
        "from autograd import nn, optim",
        "from autograd.utils.data import DataLoader",
        "from autograd.autograd import Function",
        "x = torch.nn.Linear(2, 3)  # import torch in a comment stays",
    ]
    for name in PROGRAMS:
        swapped = swap_imports((PORTED / name).read_text())
        assert not re.search(r"^\s*(import|from) torch\b", swapped, re.MULTILINE), name


@pytest.mark.slow
@pytest.mark.parametrize("name", PROGRAMS)
def test_program_prints_what_pytorch_prints(name, tmp_path):
    pytest.importorskip("torch")
    ours = run_swapped(name, tmp_path)
    theirs = run_program(PORTED / name, tmp_path)
    # the same text around the numbers ...
    assert NUMBER.sub("#", ours) == NUMBER.sub("#", theirs)
    # ... and the same numbers, to float32 accuracy after hundreds of steps
    assert numbers(ours) == pytest.approx(numbers(theirs), rel=2e-4, abs=1e-6)


def loss_column(text: str, pattern: str) -> list[float]:
    return [float(m) for m in re.findall(pattern, text)]


def test_quickstart_learns_without_torch(tmp_path):
    out = run_swapped("quickstart_mlp.py", tmp_path)
    losses = loss_column(out, r"(?m)^loss: *([\d.]+)")
    accuracy = loss_column(out, r"Accuracy: *([\d.]+)%")
    assert len(losses) == 12 and losses[-1] < 0.8 * losses[0]
    assert accuracy[-1] > 50.0 and out.strip().endswith('"')
    assert "Linear(in_features=784, out_features=64, bias=True)" in out


def test_custom_function_fits_and_its_backward_agrees_without_torch(tmp_path):
    out = run_swapped("custom_function.py", tmp_path)
    losses = loss_column(out, r"(?m)^\d+ ([\d.e+-]+)$")
    assert len(losses) == 10 and losses[-1] < 0.5 * losses[0]
    difference = loss_column(out, r"two gradients: ([\d.e+-]+)")
    assert difference[0] < 1e-12


def test_optim_loop_trains_both_models_without_torch(tmp_path):
    out = run_swapped("optim_loop.py", tmp_path)
    poly = loss_column(out, r"(?m)^\d+ ([\d.e+-]+)$")
    assert len(poly) == 10 and poly[-1] < 0.1 * poly[0]
    test_losses = loss_column(out, r"Avg loss: *([\d.]+)")
    assert len(test_losses) == 4 and test_losses[-1] < 0.5 * test_losses[0]
    norms = loss_column(out, r"grad norm: *([\d.]+)")
    assert norms and all(n > 0 for n in norms)
