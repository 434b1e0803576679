"""Build the teaching notebooks from their sources and execute them with a real Jupyter kernel.

Each notebook is written as a Python script in ``notebooks/src/`` in the
"percent" format that Jupytext, VS Code and Spyder read::

    # %% [markdown]
    # # A title
    # Some prose.

    # %%
    x = ag.tensor([1.0, 2.0], requires_grad=True)

This script turns ``src/NN_name.py`` into ``NN_name.ipynb``, runs it top to
bottom in the ``python3`` kernel with ``notebooks/`` as the working directory,
and writes it back with its outputs. The hash of the code cells' source is kept
in ``metadata.gradschool.code_hash``; ``tests/test_notebooks.py`` checks that a
committed notebook's code is the code that produced its outputs.

Usage::

    .venv/bin/python notebooks/execute.py                 # every notebook
    .venv/bin/python notebooks/execute.py 03 05           # the ones whose name starts so
    .venv/bin/python notebooks/execute.py 04_linear_regression.ipynb   # rebuild that one

The source in ``src/`` is the one to edit: a notebook changed in Jupyter is
overwritten by the next build (the test suite fails while the two differ).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK_DIR = Path(__file__).resolve().parent
SRC_DIR = NOTEBOOK_DIR / "src"
KERNEL_NAME = "python3"
CELL_TIMEOUT_S = 300  # per cell; every notebook as a whole runs in well under a minute
KERNELSPEC = {"name": KERNEL_NAME, "display_name": "Python 3 (ipykernel)", "language": "python"}
# The notebooks multiply small matrices. A multi-threaded BLAS gains nothing there, and on a
# busy 2-core CI machine its spinning threads made them ten times slower: use one thread
# (unless the caller chose otherwise).
SINGLE_THREAD_BLAS = {name: "1" for name in
                      ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}

_MARKDOWN_MARK = "# %% [markdown]"
_CODE_MARK = "# %%"


def notebook_paths() -> list[Path]:
    """The committed notebooks, in the course's order."""
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def source_paths() -> list[Path]:
    """The notebooks' sources, in the course's order."""
    return sorted(SRC_DIR.glob("[0-9][0-9]_*.py"))


def read_percent_script(path: Path) -> nbformat.NotebookNode:
    """Parse a percent-format script into an (unexecuted) notebook.

    Lines before the first ``# %%`` marker are ignored; a markdown cell's lines
    lose their leading ``# `` (or ``#``).
    """
    cells: list[tuple[str, list[str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.rstrip()
        if stripped == _MARKDOWN_MARK:
            cells.append(("markdown", []))
        elif stripped == _CODE_MARK:
            cells.append(("code", []))
        elif cells:
            kind, lines = cells[-1]
            if kind == "markdown":
                if stripped and not stripped.startswith("#"):
                    raise ValueError(f"{path.name}: markdown line without '#': {line!r}")
                stripped = stripped[2:] if stripped.startswith("# ") else stripped[1:]
            lines.append(stripped)

    nb = nbformat.v4.new_notebook()
    for kind, lines in cells:
        text = "\n".join(lines).strip("\n")
        if not text:
            continue
        if kind == "markdown":
            nb.cells.append(nbformat.v4.new_markdown_cell(text))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(text))
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def code_sources(nb: nbformat.NotebookNode) -> list[str]:
    """The source of every code cell, in order."""
    return [cell.source for cell in nb.cells if cell.cell_type == "code"]


def code_hash(nb: nbformat.NotebookNode) -> str:
    """SHA-256 of the code cells' source: what the stored outputs were computed from."""
    payload = json.dumps(code_sources(nb), ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()


def stored_code_hash(nb: nbformat.NotebookNode) -> str | None:
    return nb.metadata.get("gradschool", {}).get("code_hash")


def _clear_ids(nb: nbformat.NotebookNode) -> None:
    """Give cells ids that follow their order, so rebuilding a notebook gives a small diff."""
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"


def check_kernel() -> None:
    """Fail clearly if the ``python3`` kernel would run another Python than this one.

    A ``python3`` kernelspec in the user's Jupyter folder takes precedence over the one that
    ``make`` installs into ``.venv``; notebooks run there would not find ``autograd``.
    """
    from jupyter_client.kernelspec import KernelSpecManager

    argv0 = KernelSpecManager().get_kernel_spec(KERNEL_NAME).argv[0]
    if os.path.isabs(argv0) and Path(argv0).resolve() != Path(sys.executable).resolve():
        raise RuntimeError(
            f"the Jupyter kernel {KERNEL_NAME!r} runs {argv0}, not this environment's "
            f"{sys.executable}; install this one with: {sys.executable} -m ipykernel install "
            f"--sys-prefix --name {KERNEL_NAME} (or remove the other kernelspec)"
        )


def execute(nb: nbformat.NotebookNode, timeout: int = CELL_TIMEOUT_S) -> nbformat.NotebookNode:
    """Run every cell in the ``python3`` kernel, cwd = notebooks/; raises on the first error."""
    check_kernel()
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
        record_timing=False,  # no timestamps in the committed file: smaller diffs
        coalesce_streams=True,  # a tqdm bar's carriage returns collapse to its final line
        allow_errors=False,
    )
    env = {**SINGLE_THREAD_BLAS, **os.environ}
    client.execute(env=env)
    return nb


def build(src: Path) -> Path:
    """Build ``src`` into its notebook, execute it and write it with its outputs."""
    nb = read_percent_script(src)
    _clear_ids(nb)
    start = time.perf_counter()
    execute(nb)
    seconds = time.perf_counter() - start
    nb.metadata["gradschool"] = {"code_hash": code_hash(nb), "source": f"src/{src.name}"}
    out = NOTEBOOK_DIR / (src.stem + ".ipynb")
    nbformat.validate(nb)
    nbformat.write(nb, out)
    size_kb = out.stat().st_size / 1024
    print(f"{out.name}: executed in {seconds:.1f} s, {size_kb:.0f} KiB")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="name prefixes (03), sources or notebooks")
    args = parser.parse_args(argv)
    if not args.names:
        for src in source_paths():
            build(src)
        return 0
    for name in args.names:
        stem = Path(name).name.removesuffix(".ipynb").removesuffix(".py")
        matches = [s for s in source_paths() if s.stem.startswith(stem)]
        if not matches:
            print(f"no notebook source matches {name!r} in {SRC_DIR}", file=sys.stderr)
            return 1
        for src in matches:
            build(src)
    return 0


if __name__ == "__main__":
    sys.exit(main())
