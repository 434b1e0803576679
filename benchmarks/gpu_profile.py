"""Where a GPU training step's time goes: host time against device time, and host syncs.

Run on a machine with a GPU and CuPy (``python benchmarks/gpu_profile.py``). For the
engine, hand-written CuPy and PyTorch CUDA (where installed) it times the W1 step at
batch 4096 with ``cupyx.profiler.benchmark``, which reports the host's time (Python
issuing the kernels) apart from the device's. Then it runs one engine step under
``cupyx.allow_synchronize(False)`` to find a place that waits for the device: such a
wait stops the host from queueing the next kernels while the GPU works.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import mlp  # noqa: E402
from worker import W1_SIZES  # noqa: E402


def report(name: str, step, repeats: int = 50) -> None:
    from cupyx.profiler import benchmark

    result = benchmark(step, n_repeat=repeats, n_warmup=5)
    host = np.median(result.cpu_times) * 1e3
    device = np.median(result.gpu_times[0]) * 1e3
    print(f"{name:28s} host {host:6.3f} ms   device {device:6.3f} ms")


def first_sync(step) -> str:
    """The first line of our code in one step that waits for the device, or 'none'."""
    import warnings

    import cupyx

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the detector is deprecated, and still works
            with cupyx.allow_synchronize(False):
                step()
    except Exception as exc:  # cupyx raises DeviceSynchronized
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if "/benchmarks/" not in f.filename and "cupy" not in f.filename]
        if not frames:
            return repr(exc)
        where = frames[-1]
        return f"{type(exc).__name__}: {where.filename}:{where.lineno} in {where.name}: " \
               f"{where.line}"
    return "none"


def main() -> None:
    import cupy

    layers, x, y = mlp.make_problem(W1_SIZES, 4096)
    engine = mlp.EngineMLP(layers, x, y, "sgd", device="cuda")
    hand = mlp.NumpyMLP(layers, x, y, "sgd", xp=cupy)
    report("engine (device='cuda')", engine.step)
    report("hand-written CuPy", hand.step)
    try:
        import torch

        if torch.cuda.is_available():
            report("PyTorch CUDA", mlp.TorchMLP(layers, x, y, "sgd", device="cuda").step)
    except ImportError:
        pass
    print("\nfirst place in an engine step that waits for the device:", first_sync(engine.step))
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.runcall(lambda: [engine.step() for _ in range(50)])
    print("\nthe host's time in 50 engine steps, by function:")
    pstats.Stats(profile).sort_stats("tottime").print_stats(14)


if __name__ == "__main__":
    main()
