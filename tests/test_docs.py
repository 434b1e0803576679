"""The documentation site: ``mkdocs build --strict`` succeeds and the pages hold what they promise.

One build into a temporary folder (about 20-30 s) serves every check: the tutorials are
rendered with their stored pictures, the exercises are the student versions, the API
reference documents the public modules, and the pages are the ones the navigation lists.
The hooks' include and link rewriting are checked on their own, without a build.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mkdocs", reason="mkdocs is not installed (make installs the docs extra)")
pytest.importorskip("mkdocstrings", reason="mkdocstrings is not installed (the docs extra)")
pytest.importorskip("mkdocs_jupyter", reason="mkdocs-jupyter is not installed (the docs extra)")
pytest.importorskip("material", reason="mkdocs-material is not installed (the docs extra)")

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hooks = _load("docs_hooks", ROOT / "docs" / "hooks.py")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{log[-5000:]}"
    warnings = [line for line in log.splitlines() if line.startswith(("WARNING", "ERROR"))]
    assert warnings == []
    return out


def _page(site: Path, name: str) -> str:
    return (site / name / "index.html").read_text(encoding="utf-8")


def test_strict_build_writes_every_page(site):
    for name in ["", "getting-started", "tutorials", "exercises", "graph-pictures", "devices",
                 "speed", "reading-guide", "api"]:
        assert (site / name / "index.html").is_file(), name


def test_tutorials_are_the_executed_notebooks_with_their_pictures(site):
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert len(notebooks) >= 9
    for nb in notebooks:
        html = _page(site, f"tutorials/{nb.stem}")
        assert "data:image/png;base64," in html, f"{nb.stem}: no picture rendered"
        assert (site / "tutorials" / nb.stem / nb.name).is_file()  # the download link's file


def test_exercises_are_the_student_versions(site):
    sources = sorted((ROOT / "exercises" / "src").glob("[0-9][0-9]_*.py"))
    assert len(sources) >= 12
    for src in sources:
        html = _page(site, f"exercises/{src.stem}")
        assert "YOUR CODE HERE" in html and "NotImplementedError" in html, src.stem
        assert "BEGIN SOLUTION" not in html, src.stem


def test_graph_pictures_page_shows_the_readme_picture(site):
    html = _page(site, "graph-pictures")
    assert 'src="../graph_2_3_1.png"' in html
    assert (site / "graph_2_3_1.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "draw_graph" in html and "backward_steps" in html


@pytest.mark.parametrize("page, names", [
    ("autograd", ["autograd.tensor.Tensor", "autograd.creation.tensor",
                  "autograd.function.Function", "autograd.grads.grad",
                  "autograd.gradcheck.gradcheck",
                  "autograd.grad_mode.no_grad", "autograd.ops.unary.exp"]),
    ("data", ["autograd.data.DataLoader", "autograd.data.TensorDataset"]),
    ("viz", ["autograd.viz.draw_graph", "autograd.viz.backward_steps"]),
    ("nn", ["nn.Linear", "nn.Module", "nn.MSELoss", "nn.CrossEntropyLoss", "nn.Sequential"]),
    ("functional", ["nn.functional.cross_entropy", "nn.functional.softmax"]),
    ("optim", ["optim.SGD", "optim.Adam", "optim.RMSprop", "optim.Adagrad"]),
    ("lr_scheduler", ["optim.lr_scheduler.StepLR", "optim.lr_scheduler.CosineAnnealingLR"]),
])
def test_api_reference_documents_the_public_names(site, page, names):
    html = _page(site, f"api/{page}")
    anchors = set(re.findall(r'id="([\w.]+)"', html))
    missing = [n for n in names if n not in anchors]
    assert not missing, f"api/{page}: no entry for {missing}"


def test_reading_guide_includes_architecture_when_present(site):
    html = _page(site, "reading-guide")
    architecture = ROOT / "ARCHITECTURE.md"
    assert "autograd/engine.py" in html
    if architecture.is_file():
        first = next(line for line in architecture.read_text().splitlines()[1:]
                     if line.strip() and not line.startswith("#"))
        assert first.split()[0] in html


def test_include_replaces_the_marker_and_rewrites_repository_links(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "NOTES.md").write_text(
        "# Notes\n\nSee [the engine](autograd/engine.py), [`a.py`](a.py) and "
        "[PyTorch](https://pytorch.org) or [below](#x).\n![a chart](results/x.png)\n\n"
        "## Part\n\n```python\n# a comment, not a heading: [x](y)\n```\n"
    )
    page = "# Page\n\n<!-- include: NOTES.md -->\n\n<!-- include: MISSING.md -->\nend\n"
    out = hooks.include(page, root=tmp_path)
    assert "# Notes" not in out  # the page keeps its own title
    assert "the engine (`autograd/engine.py`)" in out
    assert "`a.py`" in out and "(a.py)" not in out
    assert "[PyTorch](https://pytorch.org)" in out and "[below](#x)" in out
    assert "*a chart*" in out and "results/x.png" not in out
    assert "### Part" in out  # one level deeper
    assert "# a comment, not a heading: [x](y)" in out  # code blocks are left alone
    assert "MISSING" not in out and out.rstrip().endswith("end")


def test_notebook_copies_follow_their_sources(tmp_path):
    hooks.copy_notebooks(tmp_path)
    copied = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.ipynb"))
    assert copied == sorted(uri for _, uri in hooks.notebook_paths())
    stale = tmp_path / "tutorials" / "99_gone.ipynb"
    stale.write_text("{}")
    hooks.copy_notebooks(tmp_path)
    assert not stale.exists()


def test_ops_reference_lists_what_autograd_exports():
    import autograd

    ops = hooks.autograd_ops()
    names = [n for group in ops.values() for n in group]
    assert {"exp", "matmul", "sum", "cat", "where", "add"} <= set(names)
    assert all(hasattr(autograd, n) for n in names)
    text = hooks.ops_reference()
    for left_out in hooks.OPS_LEFT_OUT:
        assert re.search(rf"\b{left_out}\b", text) is None


def test_speed_page_shows_the_latest_benchmark_table(site):
    html = _page(site, "speed")
    latest = ROOT / "benchmarks" / "results" / "latest.md"
    assert "make bench" in html
    if latest.is_file():
        assert "<table>" in html and "W1 MLP" in html
