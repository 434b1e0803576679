"""The README's examples run as printed and print what the README says they print; its import
swaps are the ones the ported programs use; its speed table quotes the latest benchmark run."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
TEXT = README.read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", TEXT, re.S)
LATEST = ROOT / "benchmarks" / "results" / "latest.md"


def run_block(source: str) -> tuple[str, dict]:
    namespace: dict = {"__name__": "__readme__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, str(README), "exec"), namespace)
    return out.getvalue(), namespace


def section(title: str) -> str:
    """The README's text under ``## title``, up to the next section."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", TEXT, re.S | re.M)
    assert match, f"the README has no section {title!r}"
    return match[1]


def test_the_readme_has_its_examples():
    assert len(BLOCKS) == 3


def test_autograd_on_tensors_prints_the_gradient():
    printed, _ = run_block(BLOCKS[0])
    assert printed.splitlines() == ["tensor([2., 4., 6.])", "False"]


def test_training_loop_learns_xor():
    # .ci/gpu runs this block too, on a GPU, and reads its `device` and `model`
    printed, ns = run_block(BLOCKS[1])
    assert printed.startswith("tensor([[")
    assert ns["device"] in ("cpu", "cuda")
    predictions = ns["model"](ns["X"]).detach().cpu().numpy()  # the GPU where there is one
    np.testing.assert_array_equal(predictions.round(), [[0], [1], [1], [0]])


@pytest.mark.skipif(shutil.which("dot") is None,
                    reason="Graphviz's dot is not installed (make test installs it)")
def test_graph_snippet_writes_the_pictures_of_docs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run_block(BLOCKS[2])
    assert (tmp_path / "graph.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "backward_steps.gif").read_bytes()[:6] in (b"GIF87a", b"GIF89a")

    # the same network and the same drawing as docs/make_images.py, which made the README's
    # pictures docs/graph_2_3_1.png and docs/backward_steps_2_3_1.gif
    import autograd as ag

    spec = importlib.util.spec_from_file_location("make_images", ROOT / "docs" / "make_images.py")
    make_images = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_images)
    names, loss = make_images.lecture_network()
    for name in ("a(2)", "a(3)"):
        names[name].retain_grad()
    loss.backward()
    theirs = ag.viz.draw_graph(loss, params=names, show_data=True, rankdir="TB")
    _, ns = run_block(BLOCKS[2].replace('steps.save_gif("backward_steps.gif")', ""))
    assert ns["dot"].source == theirs.source
    for picture in ("graph_2_3_1.png", "backward_steps_2_3_1.gif"):
        assert f'src="docs/{picture}"' in TEXT and (ROOT / "docs" / picture).is_file()


def test_import_swaps_are_the_ones_the_ported_programs_use():
    from test_ported_programs import swap_imports

    table = re.search(r"```\n(import torch .*?)```", section("Running a PyTorch program"), re.S)
    rows = [line.split("->") for line in table[1].strip().splitlines()]
    assert len(rows) >= 6
    for torch_line, our_line in rows:
        torch_line, our_line = torch_line.strip(), our_line.strip()
        assert swap_imports(torch_line.replace("...", "X")).strip() == \
            our_line.replace("...", "X"), torch_line


def test_speed_table_quotes_the_latest_benchmark_run():
    """Every figure of the README's speed table is in benchmarks/results/latest.md, and a
    workload is 'not yet measured' exactly where latest.md has no row for it."""
    latest = LATEST.read_text()
    measured = {m for m in re.findall(r"^\| (W\d)", latest, re.M)}
    rows = [line for line in section("Speed").splitlines() if re.match(r"\| W\d", line)]
    assert {row[2:4] for row in rows} == {f"W{i}" for i in range(1, 7)}
    for row in rows:
        workload = row[2:4]
        cells = [c.strip() for c in row.strip("|").split("|")]
        if "not yet measured in the latest run" in row:
            assert workload not in measured, f"{workload} is in latest.md: quote its figures"
            continue
        assert workload in measured, f"{workload} is not in latest.md: say 'not yet measured'"
        numbers = [cells[1], cells[2], cells[3], cells[5]]  # numpy, engine, ratio, PyTorch
        for figure in re.findall(r"\d[\d.,]*(?: (?:ms|us)/(?:step|op)| MiB|x)", " ".join(numbers)):
            assert figure in latest, (f"README's speed table says {figure!r} for {workload}, "
                                      "which benchmarks/results/latest.md does not: update it")
