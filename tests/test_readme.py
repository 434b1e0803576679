"""The README's examples run as printed and print what the README says they print."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import numpy as np
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def run_block(source: str) -> tuple[str, dict]:
    namespace: dict = {"__name__": "__readme__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, str(README), "exec"), namespace)
    return out.getvalue(), namespace


def test_the_readme_has_its_examples():
    assert len(BLOCKS) >= 3


def test_ten_lines_print_the_gradient():
    printed, _ = run_block(BLOCKS[0])
    assert printed.splitlines() == ["tensor([2., 4., 6.])", "False"]


def test_training_loop_learns_xor():
    printed, ns = run_block(BLOCKS[1])
    assert printed.startswith("tensor([[")
    predictions = ns["model"](ns["X"]).detach().cpu().numpy()  # the GPU where there is one
    np.testing.assert_array_equal(predictions.round(), [[0], [1], [1], [0]])


@pytest.mark.parametrize("index", range(2, len(BLOCKS)))
def test_other_examples_run(index):
    run_block(BLOCKS[index])
