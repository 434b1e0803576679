"""ARCHITECTURE.md, the reading guide: its example step runs, and the files it names exist
with about the sizes it states."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "ARCHITECTURE.md"
TEXT = GUIDE.read_text() if GUIDE.is_file() else ""
SIZES = re.findall(r"`([\w/]+\.py)` \(about ([\d,]+) lines\)", TEXT)

pytestmark = pytest.mark.skipif(not TEXT, reason="no ARCHITECTURE.md")


def test_the_example_step_runs_and_fills_the_gradients():
    (block,) = re.findall(r"```python\n(.*?)```", TEXT, re.S)
    namespace: dict = {"__name__": "__architecture__"}
    exec(compile(block, str(GUIDE), "exec"), namespace)
    linear = namespace["model"][0]
    assert linear.weight.grad is not None and linear.bias.grad is not None
    assert namespace["loss"].grad_fn.name() == "MseLossBackward0"


def test_every_file_it_follows_is_named_with_its_size():
    named = {path for path, _ in SIZES}
    assert {"autograd/tensor.py", "autograd/function.py", "autograd/engine.py",
            "autograd/ops/unary.py", "autograd/ops/linalg.py", "nn/module.py", "nn/linear.py",
            "nn/functional.py", "optim/optimizer.py", "optim/sgd.py",
            "autograd/backend.py"} <= named


@pytest.mark.parametrize("path, stated", SIZES)
def test_stated_sizes_are_about_right(path, stated):
    lines = len((ROOT / path).read_text().splitlines())
    stated = int(stated.replace(",", ""))
    assert abs(lines - stated) <= max(30, 0.35 * stated), (
        f"ARCHITECTURE.md says {path} has about {stated} lines; it has {lines}: update the guide")
