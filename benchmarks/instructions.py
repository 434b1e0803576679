"""Instructions per W2 step, counted by valgrind's callgrind: a deterministic measure.

Wall-clock ratios on a shared machine move by 5-10% between runs, which hides
the effect of most single changes to the engine's hot path. The number of
instructions a step executes does not move (the same count in every run), so this
script is the tool for deciding whether such a change pays; ``make bench``
remains the measure of speed itself. Python instructions run at about half the
rate of numpy's C loops, so an instruction ratio understates the time ratio.

    python benchmarks/instructions.py              # engine, numpy, engine_arrays
    python benchmarks/instructions.py engine       # just one

Each implementation runs twice under callgrind, for a few and for many steps;
the difference, divided by the difference in steps, leaves out start-up and
imports. Needs ``valgrind`` on the PATH (not a dependency of the project).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from run import bench_env

HERE = Path(__file__).resolve().parent
STEPS = (200, 700)
IMPLS = ("numpy", "engine", "engine_arrays")


def _one_run(impl: str, steps: int) -> int:
    """Instructions for importing, setting up and running ``steps`` steps of ``impl``."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import xor\n"
        "classes = {'engine': xor.EngineXOR, 'numpy': xor.NumpyXOR,\n"
        "           'engine_arrays': xor.EngineArraysXOR}\n"
        "impl = classes[sys.argv[2]](xor.make_weights())\n"
        "for _ in range(int(sys.argv[3])): impl.step()\n"
    )
    env = bench_env()  # as make bench's processes: OpenBLAS's variables unset, the repo importable
    env["OPENBLAS_NUM_THREADS"] = "1"  # no BLAS threads for valgrind to serialise
    env["PYTHONHASHSEED"] = "0"  # the same dict layouts in every run
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
         sys.executable, "-c", code, str(HERE), impl, str(steps)],
        env=env, capture_output=True, text=True, check=False,
    )
    found = re.search(r"Collected\s*:\s*(\d+)", proc.stderr)
    if proc.returncode != 0 or not found:
        raise RuntimeError(f"callgrind run of {impl} failed:\n{proc.stderr[-2000:]}")
    return int(found.group(1))


def per_step(impl: str) -> float:
    few, many = (_one_run(impl, n) for n in STEPS)
    return (many - few) / (STEPS[1] - STEPS[0])


def main() -> None:
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed: this measure needs it (apt-get install valgrind)")
    impls = sys.argv[1:] or list(IMPLS)
    counts = {impl: per_step(impl) for impl in impls}
    for impl, n in counts.items():
        ratio = f" ({n / counts['numpy']:.2f}x numpy)" if "numpy" in counts else ""
        print(f"W2 {impl}: {n / 1000:.1f}k instructions per step{ratio}")


if __name__ == "__main__":
    main()
