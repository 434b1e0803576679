"""One benchmark job in its own process: ``worker.py '<json spec>'``; run.py starts these.

A spec names the workload, the mode (``time``: the implementations
interleaved in this process; ``mem``: one implementation, peak memory) and
the implementations. The result is one ``BENCH-RESULT {json}`` line.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import bare_engine
import chain
import cnn
import harness
import lstm
import mlp
import numpy as np
import xor

W1_SIZES = (784, 512, 256, 10)
W4_SIZES = (784, 2048, 2048, 10)


def _max_rel_diff(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    worst = 0.0
    for x, y in zip(a, b):
        scale = max(float(np.abs(y).max()), 1e-12)
        worst = max(worst, float(np.abs(np.asarray(x) - np.asarray(y)).max()) / scale)
    return worst


# --- W1 / GPU: MLP training step ---------------------------------------------------------

def _mlp_impl(name: str, layers: list, x: np.ndarray, y: np.ndarray, optimizer: str) -> Any:
    if name == "engine":
        return mlp.EngineMLP(layers, x, y, optimizer)
    if name == "numpy":
        return mlp.NumpyMLP(layers, x, y, optimizer)
    if name == "torch":
        return mlp.TorchMLP(layers, x, y, optimizer)
    if name == "engine-gpu":
        return _synced(mlp.EngineMLP(layers, x, y, optimizer, device="cuda"))
    if name == "cupy":
        import cupy

        return _synced(mlp.NumpyMLP(layers, x, y, optimizer, xp=cupy))
    if name == "torch-gpu":
        import torch

        return _synced(mlp.TorchMLP(layers, x, y, optimizer, device="cuda"),
                       torch.cuda.synchronize)
    raise ValueError(f"unknown implementation {name!r}")


class _synced:
    """A GPU implementation whose step waits for the device, so wall time is its real time."""

    def __init__(self, impl: Any, sync: Any = None):
        if sync is None:
            import cupy

            sync = cupy.cuda.Device().synchronize
        self.impl, self.sync = impl, sync

    def step(self) -> Any:
        out = self.impl.step()
        self.sync()
        return out

    def weights(self) -> list[np.ndarray]:
        return self.impl.weights()


def time_mlp(spec: dict[str, Any]) -> dict[str, Any]:
    sizes = W4_SIZES if spec["workload"] == "w4" else W1_SIZES
    layers, x, y = mlp.make_problem(sizes, spec["batch"])
    optimizer = spec.get("optimizer", "sgd")
    names = spec["impls"]
    # The same computation: a few steps from the same start give the same weights.
    check_steps = 3
    finals = {}
    for name in names:
        impl = _mlp_impl(name, layers, x, y, optimizer)
        for _ in range(check_steps):
            impl.step()
        finals[name] = impl.weights()
    reference = finals["numpy"]
    check = {name: _max_rel_diff(finals[name], reference) for name in names}
    impls = {name: _mlp_impl(name, layers, x, y, optimizer).step for name in names}
    wall, cpu = harness.interleaved(impls, spec["repeats"], spec.get("inner", 1), warmup=2)
    return {"seconds": wall, "cpu_seconds": cpu, "check_max_rel_diff": check}


# --- W2: XOR, one sample per step -------------------------------------------------------

_XOR = {"engine": xor.EngineXOR, "numpy": xor.NumpyXOR, "torch": xor.TorchXOR,
        "engine_arrays": xor.EngineArraysXOR, "bare_engine": bare_engine.BareXOR,
        "numpy_expit": xor.NumpyExpitXOR}


def time_xor(spec: dict[str, Any]) -> dict[str, Any]:
    weights = xor.make_weights()
    names = spec["impls"]
    finals = {}
    for name in names:
        impl = _XOR[name]([w.copy() for w in weights])
        for _ in range(40):
            impl.step()
        finals[name] = [np.array(w) for w in impl.weights()]
    reference = finals["numpy"]
    check = {name: _max_rel_diff(finals[name], reference) for name in names}
    impls = {name: _XOR[name]([w.copy() for w in weights]).step for name in names}
    wall, cpu = harness.interleaved(impls, spec["repeats"], spec.get("inner", 200), warmup=50)
    return {"seconds": wall, "cpu_seconds": cpu, "check_max_rel_diff": check}


# --- W3: long chain ----------------------------------------------------------------------

_CHAIN = {"engine": chain.EngineChain, "numpy": chain.NumpyChain, "torch": chain.TorchChain}


def time_chain(spec: dict[str, Any]) -> dict[str, Any]:
    import time

    x0 = chain.make_input()
    n = spec["n"]
    names = spec["impls"]
    impls = {name: _CHAIN[name](x0, n) for name in names}
    grads = {}
    for name, impl in impls.items():  # warm-up run, and the gradients for the check
        impl.forward()
        impl.backward()
        grads[name] = impl.grad()
    reference = grads["numpy"]
    check = {name: _max_rel_diff([grads[name]], [reference]) for name in names}
    forward: dict[str, list[float]] = {name: [] for name in names}
    backward: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    clock, cpu_clock = time.perf_counter, time.process_time
    for r in range(spec["repeats"]):
        for name in names if r % 2 == 0 else names[::-1]:
            impl = impls[name]
            cpu_start = cpu_clock()
            start = clock()
            impl.forward()
            middle = clock()
            impl.backward()
            end = clock()
            cpu[name].append((cpu_clock() - cpu_start) / n)
            forward[name].append((middle - start) / n)
            backward[name].append((end - middle) / n)
    seconds = {name: [f + b for f, b in zip(forward[name], backward[name])] for name in names}
    return {"seconds": seconds, "cpu_seconds": cpu, "forward": forward, "backward": backward,
            "check_max_rel_diff": check}


def mem_chain(spec: dict[str, Any]) -> dict[str, Any]:
    x0 = chain.make_input()
    n = spec["n"]
    impl_cls = _CHAIN[spec["impl"]]
    held: dict[str, int] = {}

    traced = spec.get("traced", True)

    def step(impl: Any) -> None:
        impl.forward()
        if traced:
            held["numpy_bytes_after_forward"] = harness.numpy_domain_bytes()
        impl.backward()

    out = harness.measure_peak(lambda: impl_cls(x0, n), step, traced)
    out.update(held)
    # What the graph must keep: the n tanh outputs (backward needs 1 - y^2).
    out["needed_array_bytes"] = n * x0.nbytes
    return out


# --- W4: peak memory of a big step -------------------------------------------------------

def mem_mlp(spec: dict[str, Any]) -> dict[str, Any]:
    name = spec["impl"]
    lr = 0.01

    def setup() -> Any:
        layers, x, y = mlp.make_problem(W4_SIZES, spec["batch"])
        if name == "numpy":
            params = [p for pair in layers for p in pair]
            return params, x, y
        if name == "engine":
            return mlp.EngineMLP(layers, x, y, "sgd", lr)
        return mlp.TorchMLP(layers, x, y, "sgd", lr)

    def step(state: Any) -> None:
        if name == "numpy":
            params, x, y = state
            state_grads = mlp.numpy_lean_step(params, x, y, lr)
            step.kept = state_grads  # type: ignore[attr-defined]
        else:
            state.step()

    return harness.measure_peak(setup, step, spec.get("traced", True))


def time_w4(spec: dict[str, Any]) -> dict[str, Any]:
    layers, x, y = mlp.make_problem(W4_SIZES, spec["batch"])
    lr = 0.01
    engine = mlp.EngineMLP(layers, x, y, "sgd", lr)
    params = [p.copy() for pair in layers for p in pair]
    impls = {"engine": engine.step, "numpy": lambda: mlp.numpy_lean_step(params, x, y, lr)}
    wall, cpu = harness.interleaved(impls, spec["repeats"], 1, warmup=1)
    return {"seconds": wall, "cpu_seconds": cpu}


# --- W5: a LeNet-style CNN training step -----------------------------------------------------

def _cnn_impl(name: str, params: list, x: np.ndarray, y: np.ndarray) -> Any:
    if name == "engine":
        return cnn.EngineCNN(params, x, y)
    if name == "numpy":
        return cnn.NumpyCNN(params, x, y)
    if name == "torch":
        return cnn.TorchCNN(params, x, y)
    raise ValueError(f"unknown implementation {name!r}")


def _pin_malloc() -> None:
    """glibc only: keep freed memory in this process's heap (no trimming, no mmap for big
    arrays), so that no step pays page faults for memory an earlier step gave back.

    W5's arrays (up to 3.7 MB) sit near glibc's adaptive trim threshold: whether a step
    frees enough at once to hand memory back to the OS (and fault it in again) depends on
    which arrays happen to lie at the top of the heap, which differs from one program to
    another. Pinned, both implementations are timed on the work they do.
    """
    import ctypes

    libc = ctypes.CDLL("libc.so.6")
    libc.mallopt(-3, 64 * 2**20)  # M_MMAP_THRESHOLD
    libc.mallopt(-1, 512 * 2**20)  # M_TRIM_THRESHOLD


def time_cnn(spec: dict[str, Any]) -> dict[str, Any]:
    if spec.get("pin_malloc"):
        _pin_malloc()
    params, x, y = cnn.make_problem(spec["batch"])
    names = spec["impls"]
    finals = {}  # the same computation: three steps from the same start, the same weights
    for name in names:
        impl = _cnn_impl(name, params, x, y)
        for _ in range(3):
            impl.step()
        finals[name] = impl.weights()
    reference = finals["numpy"]
    check = {name: _max_rel_diff(finals[name], reference) for name in names}
    impls = {name: _cnn_impl(name, params, x, y).step for name in names}
    wall, cpu = harness.interleaved(impls, spec["repeats"], spec.get("inner", 1), warmup=2)
    return {"seconds": wall, "cpu_seconds": cpu, "check_max_rel_diff": check}


def mem_cnn(spec: dict[str, Any]) -> dict[str, Any]:
    name = spec["impl"]

    def setup() -> Any:
        params, x, y = cnn.make_problem(spec["batch"])
        return (params, x, y) if name == "numpy" else _cnn_impl(name, params, x, y)

    def step(state: Any) -> None:
        if name == "numpy":
            step.kept = cnn.numpy_cnn_step(*state)  # type: ignore[attr-defined] - the grads
        else:
            state.step()

    return harness.measure_peak(setup, step, spec.get("traced", True))




# --- W6: an LSTM over 32 steps, backpropagation through time -----------------------------

_LSTM = {"engine": lstm.EngineLSTM, "numpy": lstm.NumpyLSTM, "torch": lstm.TorchLSTM}


def time_lstm(spec: dict[str, Any]) -> dict[str, Any]:
    weights, x, y = lstm.make_problem()
    names = spec["impls"]
    # The same computation: a few steps from the same start give the same weights.
    finals = {}
    for name in names:
        impl = _LSTM[name](weights, x, y)
        for _ in range(3):
            impl.step()
        finals[name] = impl.weights()
    reference = finals["numpy"]
    check = {name: _max_rel_diff(finals[name], reference) for name in names}
    impls = {name: _LSTM[name](weights, x, y).step for name in names}
    wall, cpu = harness.interleaved(impls, spec["repeats"], spec.get("inner", 1), warmup=2)
    return {"seconds": wall, "cpu_seconds": cpu, "check_max_rel_diff": check}


JOBS = {
    ("w1", "time"): time_mlp,
    ("gpu", "time"): time_mlp,
    ("w2", "time"): time_xor,
    ("w3", "time"): time_chain,
    ("w3", "mem"): mem_chain,
    ("w4", "mem"): mem_mlp,
    ("w4", "time"): time_w4,
    ("w5", "time"): time_cnn,
    ("w5", "mem"): mem_cnn,
    ("w6", "time"): time_lstm,
}


def main() -> None:
    spec = json.loads(sys.argv[1])
    result = JOBS[spec["workload"], spec["mode"]](spec)
    result["spec"] = spec
    result["machine"] = harness.machine_info()
    harness.emit(result)


if __name__ == "__main__":
    main()
