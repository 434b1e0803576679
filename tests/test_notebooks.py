"""The teaching notebooks: committed executed, and still running green.

Two kinds of checks:

* fast ones on the committed ``.ipynb`` files: their code is the code that
  produced their outputs (stored hash), it matches their source in
  ``notebooks/src/``, every code cell ran without an error or a warning, and
  the files stay small;
* one execution per notebook with nbclient and the ``python3`` Jupyter kernel,
  on a copy held in memory (the committed file is never written), failing on
  any error.
"""

from __future__ import annotations

import importlib.util
import shutil
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")

pytestmark = pytest.mark.notebooks

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


execute = _load("notebook_execute", NOTEBOOK_DIR / "execute.py")

COURSE = [
    "01_tensors_and_autograd",
    "02_neuron_and_activations",
    "03_backprop_by_hand",
    "04_linear_regression",
    "05_logistic_regression",
    "06_multiclass_digits",
    "07_deeper_networks",
    "08_optimizers",
    "09_minibatches_and_generalisation",
    "10_convolutional_networks",
    "11_transfer_learning",
    "12_regularisation",
    "13_recurrent_networks",
]
MAX_BYTES = 1_000_000
MAX_SECONDS = 150  # each runs in well under a minute on a laptop; 2 busy CI cores are slower

NOTEBOOKS = execute.notebook_paths()
IDS = [p.stem for p in NOTEBOOKS]


def test_the_course_has_its_notebooks_and_sources():
    assert [p.stem for p in execute.notebook_paths()] == COURSE
    assert [p.stem for p in execute.source_paths()] == COURSE


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_outputs_come_from_the_committed_code(path: Path):
    nb = nbformat.read(path, as_version=4)
    stored = execute.stored_code_hash(nb)
    assert stored is not None, f"{path.name} was not built by notebooks/execute.py"
    assert execute.code_hash(nb) == stored, (
        f"{path.name}: code cells changed since it was executed; "
        f"run .venv/bin/python notebooks/execute.py {path.stem[:2]}"
    )
    counts = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, f"{path.name}: code cell {i} never ran"
        counts.append(cell.execution_count)
        for out in cell.outputs:
            assert out.output_type != "error", f"{path.name}: cell {i} raised {out.get('ename')}"
            if out.output_type == "stream" and out.name == "stderr":
                assert "Warning" not in out.text, f"{path.name}: cell {i} warned: {out.text}"
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: not run top to bottom once"


def test_an_edited_code_cell_no_longer_matches_the_stored_hash():
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.source += "\nx = 1"
    assert execute.code_hash(nb) != execute.stored_code_hash(nb)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_notebook_matches_its_source(path: Path):
    committed = nbformat.read(path, as_version=4)
    built = execute.read_percent_script(execute.SRC_DIR / (path.stem + ".py"))
    assert [(c.cell_type, c.source) for c in committed.cells] == [
        (c.cell_type, c.source) for c in built.cells
    ], f"{path.name} differs from src/{path.stem}.py; rebuild it with notebooks/execute.py"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_notebook_is_small_and_has_a_figure(path: Path):
    assert path.stat().st_size < MAX_BYTES, f"{path.name} is {path.stat().st_size} bytes"
    nb = nbformat.read(path, as_version=4)
    images = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if "image/png" in out.get("data", {})
    ]
    assert images, f"{path.name} shows no figure"


def test_percent_script_parsing(tmp_path: Path):
    src = tmp_path / "99_x.py"
    src.write_text(
        "# header, ignored\n"
        "# %% [markdown]\n# # Title\n#\n# Text with $a = b$.\n\n"
        "# %%\nx = 1\n\ny = 2\n\n"
        "# %%\n\n"
        "# %% [markdown]\nnot a comment\n"
    )
    with pytest.raises(ValueError, match="markdown line without"):
        execute.read_percent_script(src)
    src.write_text(src.read_text().replace("not a comment", "# end"))
    nb = execute.read_percent_script(src)
    assert [(c.cell_type, c.source) for c in nb.cells] == [
        ("markdown", "# Title\n\nText with $a = b$."),
        ("code", "x = 1\n\ny = 2"),
        ("markdown", "end"),
    ]
    before = execute.code_hash(nb)
    nb.cells[1].source = "x = 3\n\ny = 2"
    assert execute.code_hash(nb) != before


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_executes_without_error(path: Path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    start = time.perf_counter()
    execute.execute(nb)  # raises CellExecutionError on the first failing cell
    seconds = time.perf_counter() - start
    assert seconds < MAX_SECONDS, f"{path.name} took {seconds:.0f} s"
    assert all(c.execution_count for c in nb.cells if c.cell_type == "code")


@pytest.mark.slow
def test_demo_trains_a_digit_classifier_and_writes_its_pictures(tmp_path: Path, capsys):
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed (make demo installs it)")
    demo = _load("demo", ROOT / "demo.py")
    assert demo.cli(["--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "test accuracy:" in out
    for name in ("graph.png", "loss_curve.png"):
        path = tmp_path / name
        assert str(path) in out, f"demo did not print the path of {name}"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.png", "loss_curve.png"]


@pytest.mark.slow
def test_demo_trains_on_the_gpu_as_on_the_cpu(tmp_path: Path, capsys):
    """`demo.py --device cuda`, on the strict fake CuPy: the same model, graph picture included."""
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed (make demo installs it)")
    import fake_cuda

    demo = _load("demo", ROOT / "demo.py")
    cpu = demo.main(tmp_path / "cpu", epochs=2)
    with fake_cuda.installed():
        gpu = demo.main(tmp_path / "gpu", epochs=2, device="cuda")
    assert "on cuda" in capsys.readouterr().out
    assert gpu["test_accuracy"] == pytest.approx(cpu["test_accuracy"])
    assert gpu["graph"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
