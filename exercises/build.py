"""Build the exercise notebooks, a student and a teacher version of each, from their sources.

An exercise is written once, as a Python script in ``exercises/src/`` in the
"percent" format of the teaching notebooks (``notebooks/execute.py``), with
two additions that follow nbgrader's conventions:

* in a code cell, the lines between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION`` are the reference solution. Such a cell becomes an
  nbgrader *solution* cell (``solution: true``); in the student version those
  lines are replaced by ``# YOUR CODE HERE`` and ``raise NotImplementedError()``
  at the same indentation, as nbgrader's ``ClearSolutions`` does;
* a cell that starts with ``# %% [grade N]`` is an autograder *test* cell worth
  N points (``grade: true, points: N, locked: true``). Test cells call a
  function of ``exercises/checks.py``, which explains what is wrong.

Every other cell is read-only (``locked: true``). The metadata is nbgrader's
schema version 3, written here, so nbgrader is not needed to build or to take
the exercises; a teacher who uses it can hand ``teacher/`` to ``nbgrader
generate_assignment`` as it is. The notebooks are written without outputs;
``tests/test_exercises.py`` checks that they are up to date with their sources.

Usage::

    .venv/bin/python exercises/build.py          # writes exercises/student/ and teacher/
    .venv/bin/python exercises/build.py --check  # exit 1 if a committed notebook is stale
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

EXERCISE_DIR = Path(__file__).resolve().parent
SRC_DIR = EXERCISE_DIR / "src"
STUDENT_DIR = EXERCISE_DIR / "student"
TEACHER_DIR = EXERCISE_DIR / "teacher"

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUDENT_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

_MARKDOWN = "# %% [markdown]"
_CODE = "# %%"
_GRADE = re.compile(r"^# %% \[grade (\d+)\]$")


def source_paths() -> list[Path]:
    """The exercises' sources, in the course's order."""
    return sorted(SRC_DIR.glob("[0-9][0-9]_*.py"))


def parse(path: Path) -> list[dict]:
    """The cells of a source: dicts with ``kind`` (markdown, code, test), ``text``, ``points``."""
    cells: list[dict] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.rstrip()
        grade = _GRADE.match(stripped)
        if stripped == _MARKDOWN:
            cells.append({"kind": "markdown", "lines": []})
        elif stripped == _CODE:
            cells.append({"kind": "code", "lines": []})
        elif grade:
            cells.append({"kind": "test", "lines": [], "points": int(grade.group(1))})
        elif stripped.startswith("# %%"):
            raise ValueError(f"{path.name}: unknown cell marker {stripped!r}")
        elif cells:
            if cells[-1]["kind"] == "markdown":
                if stripped and not stripped.startswith("#"):
                    raise ValueError(f"{path.name}: markdown line without '#': {line!r}")
                stripped = stripped[2:] if stripped.startswith("# ") else stripped[1:]
            cells[-1]["lines"].append(stripped)
    out = []
    for cell in cells:
        text = "\n".join(cell.pop("lines")).strip("\n")
        if text:
            cell["text"] = text
            out.append(cell)
    for cell in out:
        if cell["kind"] == "markdown" and BEGIN in cell["text"]:
            raise ValueError(f"{path.name}: solution markers belong in code cells")
        if cell["kind"] == "test" and BEGIN in cell["text"]:
            raise ValueError(f"{path.name}: a test cell cannot hold a solution")
        if cell["kind"] == "code" and BEGIN in cell["text"]:
            cell["kind"] = "solution"
    return out


def strip_solutions(text: str) -> str:
    """Replace every ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region by the stub."""
    out: list[str] = []
    inside = False
    for line in text.split("\n"):
        if line.strip() == BEGIN:
            if inside:
                raise ValueError("nested ### BEGIN SOLUTION")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(indent + stub for stub in STUDENT_STUB)
        elif line.strip() == END:
            if not inside:
                raise ValueError("### END SOLUTION without ### BEGIN SOLUTION")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError("### BEGIN SOLUTION without ### END SOLUTION")
    return "\n".join(out)


def keep_solutions(text: str) -> str:
    """The teacher's code: the solution with the marker lines kept (as nbgrader expects)."""
    strip_solutions(text)  # validates the markers
    return text


def solution_regions(text: str) -> list[str]:
    """The code between each pair of markers (what the student version must not contain)."""
    regions, current = [], None
    for line in text.split("\n"):
        if line.strip() == BEGIN:
            current = []
        elif line.strip() == END:
            regions.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return regions


def _nbgrader(kind: str, grade_id: str, points: int = 0) -> dict:
    meta = {
        "grade": kind == "test",
        "grade_id": grade_id,
        "locked": kind != "solution",
        "schema_version": 3,
        "solution": kind == "solution",
        "task": False,
    }
    if kind == "test":
        meta["points"] = points
    return meta


def build_notebook(src: Path, student: bool) -> nbformat.NotebookNode:
    """The student (solutions stripped) or teacher notebook of one source, without outputs."""
    stem = src.stem
    nb = nbformat.v4.new_notebook()
    counters = {"markdown": 0, "code": 0, "solution": 0, "test": 0}
    for i, cell in enumerate(parse(src)):
        kind = cell["kind"]
        counters[kind] += 1
        grade_id = f"{stem}-{kind}-{counters[kind]}"
        if kind == "markdown":
            new = nbformat.v4.new_markdown_cell(cell["text"])
        elif kind == "solution":
            text = strip_solutions(cell["text"]) if student else keep_solutions(cell["text"])
            new = nbformat.v4.new_code_cell(text)
        else:
            new = nbformat.v4.new_code_cell(cell["text"])
        new.metadata["nbgrader"] = _nbgrader(kind, grade_id, cell.get("points", 0))
        new["id"] = f"cell-{i:02d}"
        nb.cells.append(new)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["gradschool"] = {"source": f"src/{src.name}",
                                 "version": "student" if student else "teacher"}
    nbformat.validate(nb)
    return nb


def targets(src: Path) -> dict[Path, nbformat.NotebookNode]:
    """The two notebooks a source builds, by path."""
    name = src.stem + ".ipynb"
    return {STUDENT_DIR / name: build_notebook(src, student=True),
            TEACHER_DIR / name: build_notebook(src, student=False)}


def render(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def stale() -> list[Path]:
    """Committed notebooks that differ from what their sources build, and orphans."""
    out = []
    expected: set[Path] = set()
    for src in source_paths():
        for path, nb in targets(src).items():
            expected.add(path)
            if not path.exists() or path.read_text(encoding="utf-8") != render(nb):
                out.append(path)
    for folder in (STUDENT_DIR, TEACHER_DIR):
        out.extend(p for p in sorted(folder.glob("*.ipynb")) if p not in expected)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="only report notebooks that differ from their sources")
    args = parser.parse_args(argv)
    if args.check:
        bad = stale()
        for path in bad:
            print(f"stale: {path.relative_to(EXERCISE_DIR)}", file=sys.stderr)
        return 1 if bad else 0
    for folder in (STUDENT_DIR, TEACHER_DIR):
        folder.mkdir(exist_ok=True)
    for src in source_paths():
        for path, nb in targets(src).items():
            path.write_text(render(nb), encoding="utf-8")
        print(f"{src.stem}: student/ and teacher/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
