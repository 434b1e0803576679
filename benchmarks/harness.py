"""Timing, memory and machine helpers shared by the benchmark workloads.

Timing: every implementation of a workload runs in one process, interleaved
(the order alternates from one repeat to the next, so drift in clock speed or
in a neighbour's load hits all of them alike), and we report medians.

Memory: one fresh process per implementation, measured with ``tracemalloc``.
numpy reports every array buffer it allocates to tracemalloc, so the traced
peak minus the traced size after setup is exactly the memory the step
allocated (arrays plus Python objects), without the interpreter, the imported
libraries or the allocator's page reuse that blur ``ru_maxrss``. BLAS's own
work buffers are not traced, but both implementations call the same BLAS.
PyTorch allocates outside Python's allocators, so for it (and as a cross-check
for all) we also give the resident-set high-water mark after setup
(``/proc/self/clear_refs`` resets it on Linux).
"""

from __future__ import annotations

import gc
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

SEED = 0


def interleaved(impls: dict[str, Callable[[], Any]], repeats: int, inner: int = 1,
                warmup: int = 2) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Seconds per call of each implementation, wall-clock and CPU time of this process.

    ``repeats`` samples, each the mean of ``inner`` calls. The CPU time
    (all threads of this process, BLAS's included) does not count the time
    other processes held the cores, so on a busy machine it is the steadier one.
    """
    for fn in impls.values():
        for _ in range(warmup):
            fn()
    names = list(impls)
    wall: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    clock, cpu_clock = time.perf_counter, time.process_time
    for r in range(repeats):
        for name in names if r % 2 == 0 else names[::-1]:
            fn = impls[name]
            start, cpu_start = clock(), cpu_clock()
            for _ in range(inner):
                fn()
            cpu[name].append((cpu_clock() - cpu_start) / inner)
            wall[name].append((clock() - start) / inner)
    return wall, cpu


def median(values: list[float]) -> float:
    return statistics.median(values)


# --- memory ------------------------------------------------------------------------------

def _rss_high_water_kib() -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_rss_high_water() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _current_rss_kib() -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def measure_peak(setup: Callable[[], Any], step: Callable[[Any], Any],
                 traced: bool = True) -> dict[str, Any]:
    """Peak memory of ``step(state)`` over the memory after ``setup()``, in bytes.

    Run this once per fresh process. ``traced=True``: tracemalloc, started
    first, so every allocation of the setup and of the step is traced.
    ``traced=False``: the resident-set high-water mark over the resident set
    after setup (Linux), without tracemalloc, whose own bookkeeping (a record
    per live block) would inflate it.
    """
    if traced:
        tracemalloc.start()
    state = setup()
    gc.collect()
    if not traced:
        if not _reset_rss_high_water():
            return {"error": "cannot reset the RSS high-water mark (needs Linux /proc)"}
        rss_base = _current_rss_kib()
        step(state)
        rss_peak = _rss_high_water_kib()
        if rss_base is None or rss_peak is None:
            return {"error": "no VmRSS/VmHWM in /proc/self/status"}
        return {"rss_peak_over_setup_bytes": max(0, rss_peak - rss_base) * 1024}
    base, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    step(state)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "traced_peak_bytes": peak - base,
        "traced_after_bytes": current - base,
        "setup_traced_bytes": base,
    }


def numpy_domain_bytes() -> int:
    """Bytes of numpy array buffers alive now (tracemalloc must be running)."""
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.DomainFilter(True, np.lib.tracemalloc_domain)]
    )
    return sum(stat.size for stat in snapshot.statistics("filename"))


# --- machine -----------------------------------------------------------------------------

def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_info() -> list[dict[str, Any]]:
    """Which BLAS numpy calls, with its threads (threadpoolctl, else numpy's build config)."""
    try:
        from threadpoolctl import threadpool_info

        return [
            {k: info.get(k) for k in ("internal_api", "version", "num_threads", "architecture",
                                      "threading_layer", "filepath")}
            for info in threadpool_info() if info.get("user_api") == "blas"
        ]
    except ImportError:
        config = np.show_config(mode="dicts")
        blas = config.get("Build Dependencies", {}).get("blas", {})
        return [{"internal_api": blas.get("name"), "version": blas.get("version")}]


def machine_info() -> dict[str, Any]:
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "blas": blas_info(),
        "openblas_env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")},
    }


def emit(result: dict[str, Any]) -> None:
    """Hand a worker's result to run.py: one JSON line on stdout, marked."""
    sys.stdout.write("BENCH-RESULT " + json.dumps(result) + "\n")
    sys.stdout.flush()
