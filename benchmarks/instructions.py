"""Instructions per W2 step, counted by valgrind's callgrind: a deterministic measure.

Wall-clock ratios on a shared machine move by 5-10% between runs, which hides
the effect of most single changes to the engine's hot path. The number of
instructions a step executes does not move (the same count in every run), so this
script is the tool for deciding whether such a change pays; ``make bench``
remains the measure of speed itself. Python instructions run at about half the
rate of numpy's C loops, so an instruction ratio understates the time ratio.

    python benchmarks/instructions.py              # engine, numpy, engine_arrays, bare_engine
    python benchmarks/instructions.py engine       # just one
    python benchmarks/instructions.py --misses     # also branch mispredictions, D1 misses

Why the time ratio is larger than the instruction ratio: with ``--misses`` (valgrind's
cachegrind, simulated caches and branch predictor) the engine shows several times numpy's
mispredicted branches and first-level data-cache misses per step. Python bookkeeping costs
more per instruction than numpy's C: the interpreter's indirect jumps mispredict, and its
objects and bytecode spill out of the 32 KiB L1.

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
IMPLS = ("numpy", "engine", "engine_arrays", "bare_engine")


_MISS_EVENTS = {"instructions": r"I\s+refs:\s*([\d,]+)",
                "mispredicts": r"Mispredicts:\s*([\d,]+)",
                "D1 misses": r"D1\s+misses:\s*([\d,]+)"}


def _one_run(impl: str, steps: int, misses: bool = False) -> dict[str, int]:
    """Instructions (and with ``misses`` mispredictions and D1 misses) for importing,
    setting up and running ``steps`` steps of ``impl``."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import worker, xor\n"
        "impl = worker._XOR[sys.argv[2]](xor.make_weights())  # make bench's W2 table\n"
        "for _ in range(int(sys.argv[3])): impl.step()\n"
    )
    env = bench_env()  # as make bench's processes: OpenBLAS's variables unset, the repo importable
    env["OPENBLAS_NUM_THREADS"] = "1"  # no BLAS threads for valgrind to serialise
    env["PYTHONHASHSEED"] = "0"  # the same dict layouts in every run
    tool = (["--tool=cachegrind", "--cache-sim=yes", "--branch-sim=yes",
             "--cachegrind-out-file=/dev/null"] if misses
            else ["--tool=callgrind", "--callgrind-out-file=/dev/null"])
    proc = subprocess.run(
        ["valgrind", *tool, sys.executable, "-c", code, str(HERE), impl, str(steps)],
        env=env, capture_output=True, text=True, check=False,
    )
    patterns = _MISS_EVENTS if misses else {"instructions": r"Collected\s*:\s*(\d+)"}
    counts = {}
    for name, pattern in patterns.items():
        found = re.search(pattern, proc.stderr)
        if proc.returncode != 0 or not found:
            raise RuntimeError(f"valgrind run of {impl} failed:\n{proc.stderr[-2000:]}")
        counts[name] = int(found.group(1).replace(",", ""))
    return counts


def per_step(impl: str, misses: bool = False) -> dict[str, float]:
    few, many = (_one_run(impl, n, misses) for n in STEPS)
    return {k: (many[k] - few[k]) / (STEPS[1] - STEPS[0]) for k in few}


def main() -> None:
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed: this measure needs it (apt-get install valgrind)")
    misses = "--misses" in sys.argv[1:]
    impls = [a for a in sys.argv[1:] if a != "--misses"] or list(IMPLS)
    counts = {impl: per_step(impl, misses) for impl in impls}
    for impl, events in counts.items():
        parts = []
        for name, n in events.items():
            ratio = f" ({n / counts['numpy'][name]:.2f}x numpy)" if "numpy" in counts else ""
            parts.append(f"{n / 1000:.1f}k {name}{ratio}")
        print(f"W2 {impl}, per step: " + ", ".join(parts))


if __name__ == "__main__":
    main()
