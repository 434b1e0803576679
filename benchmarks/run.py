"""``make bench``: this engine against hand-written numpy (and PyTorch CPU when installed).

Every job runs in its own Python process (worker.py) whose environment has
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed, so OpenBLAS picks its kernels
and cache sizes from the CPU itself. Timed implementations share a process and
run interleaved; PyTorch gets its own process (with its own numpy run for the
ratio), because its OpenMP threads keep spinning after each op and would steal
the cores from the numpy and engine runs that follow them. Memory is measured
in a fresh process per implementation.

    python benchmarks/run.py            # everything, the results in benchmarks/results/
    python benchmarks/run.py --quick    # a smoke run: fewer repeats, smaller N
    python benchmarks/run.py --only W2,W3
    python benchmarks/run.py --only W5 --threads 1   # the CNN alone, one BLAS thread
    python benchmarks/run.py --only W6     # the LSTM alone
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
UNSET = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")

TARGETS = {
    "W1": "engine <= 1.10x numpy",
    "W2": "engine <= 2.5x numpy",
    "W3": "<= 15 us per op fwd+bwd; peak <= 2x live arrays",
    "W4": "peak memory <= 1.2x numpy",
    "W5": "engine <= 1.25x numpy; peak memory <= 1.5x numpy",
    "W6": "engine <= 2.0x numpy",
}


THREADS: int | None = None  # --threads: BLAS/OpenMP threads in the benchmark processes


def bench_env(threads: int | None = None) -> dict[str, str]:
    """The benchmark processes' environment; ``threads`` (else --threads) BLAS/OpenMP threads."""
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    threads = THREADS if threads is None else threads
    if threads is not None:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[name] = str(threads)
    root = str(HERE.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def run_job(spec: dict[str, Any], timeout: float = 900) -> dict[str, Any]:
    """Run one worker process; its result, or {'error': ...}."""
    cmd = [sys.executable, str(HERE / "worker.py"), json.dumps(spec)]
    try:
        proc = subprocess.run(cmd, env=bench_env(spec.get("threads")), cwd=HERE,
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s", "spec": spec}
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH-RESULT "):
            return json.loads(line[len("BENCH-RESULT "):])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-8:]
    return {"error": "\n".join(tail) or f"exit status {proc.returncode}", "spec": spec}


def has_torch() -> bool:
    return importlib.util.find_spec("torch") is not None


def gpu_reason() -> str | None:
    """None when the GPU workload can run, else why not."""
    if importlib.util.find_spec("cupy") is None:
        return "CuPy is not installed"
    probe = subprocess.run(
        [sys.executable, "-c", "import cupy; print(cupy.cuda.runtime.getDeviceCount())"],
        capture_output=True, text=True, env=bench_env(),
    )
    if probe.returncode != 0 or probe.stdout.strip() in ("", "0"):
        return "no CUDA GPU visible to CuPy"
    return None


def torch_sees_gpu() -> bool:
    probe = subprocess.run(
        [sys.executable, "-c", "import torch; print(int(torch.cuda.is_available()))"],
        capture_output=True, text=True, env=bench_env(),
    )
    return probe.returncode == 0 and probe.stdout.strip() == "1"


def med(values: list[float]) -> float:
    return statistics.median(values)


# --- the workloads -------------------------------------------------------------------------

def timed_rows(workload: str, label: str, spec: dict[str, Any], torch: bool,
               unit: str, scale: float, target: float | None,
               extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """Time engine vs numpy in one process and torch vs numpy in another; one table row.

    ``extra`` implementations run interleaved with the engine and numpy, each
    reported as its time and its ratio to numpy.
    """
    # numpy beside the engine: the pairs of a repeat run one after the other, so that both
    # see the same load (the extras after them; the order reverses every other repeat)
    main = run_job({**spec, "workload": workload, "mode": "time",
                    "impls": ["engine", "numpy", *extra]})
    row: dict[str, Any] = {"workload": label, "unit": unit, "target_ratio": target}
    if "error" in main:
        row["error"] = main["error"]
        return row
    seconds = main["seconds"]
    row["engine"] = med(seconds["engine"]) * scale
    row["numpy"] = med(seconds["numpy"]) * scale
    row["ratio"] = med([e / n for e, n in zip(seconds["engine"], seconds["numpy"])])
    row["ratio_of_medians"] = row["engine"] / row["numpy"]
    row["ratio_of_minima"] = min(seconds["engine"]) / min(seconds["numpy"])  # the quietest repeats
    cpu = main.get("cpu_seconds")
    if cpu:
        row["cpu_ratio"] = med([e / n for e, n in zip(cpu["engine"], cpu["numpy"])])
    row["check_max_rel_diff"] = main.get("check_max_rel_diff", {}).get("engine")
    for name in extra:
        row[name] = med(seconds[name]) * scale
        row[f"{name}_ratio"] = med([e / n for e, n in zip(seconds[name], seconds["numpy"])])
    for part in ("forward", "backward"):
        if part in main:
            row[f"engine_{part}"] = med(main[part]["engine"]) * scale
            row[f"numpy_{part}"] = med(main[part]["numpy"]) * scale
    row["samples"] = {k: [v * scale for v in vals] for k, vals in seconds.items()}
    if torch:
        other = run_job({**spec, "workload": workload, "mode": "time",
                         "impls": ["torch", "numpy"]})
        if "error" in other:
            row["torch_error"] = other["error"]
        else:
            ts = other["seconds"]
            row["torch"] = med(ts["torch"]) * scale
            row["torch_ratio"] = med([t / n for t, n in zip(ts["torch"], ts["numpy"])])
            row["torch_check_max_rel_diff"] = other.get("check_max_rel_diff", {}).get("torch")
    if target is not None:
        row["pass"] = row["ratio"] <= target
    return row


def memory_row(label: str, spec: dict[str, Any], impls: list[str]) -> dict[str, Any]:
    """Two fresh processes per implementation: one traced, one for the RSS high-water mark."""
    row: dict[str, Any] = {"workload": label, "mode": "memory"}
    for impl in impls:
        out: dict[str, Any] = {}
        for traced in ((False,) if impl == "torch" else (True, False)):
            res = run_job({**spec, "mode": "mem", "impl": impl, "traced": traced})
            if "error" in res:
                row[f"{impl}_error"] = res["error"]
                break
            out.update({k: v for k, v in res.items() if k not in ("spec", "machine")})
        else:
            row[impl] = out
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller N")
    parser.add_argument("--only", default="W1,W2,W3,W4,W5,W6,GPU",
                        help="comma-separated workloads (default: all)")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch column")
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS/OpenMP threads (default: the libraries' own choice); 1 gives "
                             "steadier numbers on a machine that others are using too")
    parser.add_argument("--out", default=str(RESULTS / "latest.json"))
    args = parser.parse_args()
    global THREADS
    THREADS = args.threads
    only = {w.strip().upper() for w in args.only.split(",")}
    quick = args.quick
    torch = has_torch() and not args.no_torch

    load_before = os.getloadavg()
    probe = run_job({"workload": "w3", "mode": "time", "n": 10, "repeats": 1,
                     "impls": ["numpy"]})
    machine = probe.get("machine", {})
    print_machine(machine, torch)

    rows: list[dict[str, Any]] = []
    memory: list[dict[str, Any]] = []
    if "W1" in only:
        for opt in ("sgd", "adam"):
            # Many short repeats: the ratio is the median of per-repeat ratios, and on a
            # shared machine more pairs steady it more than longer repeats do.
            spec = {"batch": 128, "optimizer": opt, "repeats": 5 if quick else 45,
                    "inner": 2 if quick else 3}
            label = f"W1 MLP 784-512-256-10, batch 128, {'SGD' if opt == 'sgd' else 'Adam'}"
            rows.append(timed_rows("w1", label, spec, torch, "ms/step", 1e3, 1.10))
            print_row(rows[-1])
    if "W2" in only:
        # short repeats, many pairs: the machine's load moves within a second
        spec = {"repeats": 5 if quick else 61, "inner": 100 if quick else 150}
        rows.append(timed_rows("w2", "W2 XOR 2-3-1 sigmoid, batch 1, SGD", spec, torch,
                               "us/step", 1e6, 2.5,
                               extra=("engine_arrays", "bare_engine", "numpy_expit")))
        print_row(rows[-1])
    if "W3" in only:
        for n in (1_000, 10_000) if quick else (1_000, 10_000, 100_000):
            # ~0.5 s of engine time per repeat at most; more repeats where they are short
            spec = {"n": n, "repeats": 3 if quick else max(3, min(21, 2_000_000 // (n * 10)))}
            row = timed_rows("w3", f"W3 chain N={n:,} (per step: mul, add, tanh)", spec, torch,
                             "us/step", 1e6, None)
            if "engine" in row:
                row["engine_per_op"] = row["engine"] / 3
                row["pass"] = row["engine_per_op"] <= 15.0
            rows.append(row)
            print_row(rows[-1])
        n = 10_000 if quick else 100_000
        mem = memory_row(f"W3 chain N={n:,}", {"workload": "w3", "n": n}, ["engine", "numpy"])
        summarize_w3_memory(mem, n)
        memory.append(mem)
        print_memory(mem)
    if "W4" in only:
        batch = 512 if quick else 4096
        mem = memory_row(f"W4 MLP 784-2048-2048-10, batch {batch}, SGD step",
                         {"workload": "w4", "batch": batch},
                         ["engine", "numpy"] + (["torch"] if torch else []))
        summarize_w4_memory(mem)
        memory.append(mem)
        print_memory(mem)
        w4 = run_job({"workload": "w4", "mode": "time", "batch": batch,
                      "repeats": 3 if quick else 5})
        if "seconds" in w4:
            s = w4["seconds"]
            mem["time_s"] = {k: med(v) for k, v in s.items()}
            print(f"    time per step: engine {med(s['engine']):.3f} s, "
                  f"numpy {med(s['numpy']):.3f} s")
    if "W5" in only:
        # LeNet-style CNN: convolutions, pooling and the MLP head in one SGD step
        spec = {"batch": 64, "repeats": 5 if quick else 31, "inner": 1 if quick else 2}
        rows.append(timed_rows("w5", "W5 LeNet CNN 1x28x28, batch 64, SGD", spec, torch,
                               "ms/step", 1e3, 1.25))
        print_row(rows[-1])
        # the same with glibc's heap pinned (worker._pin_malloc): no page faults either side
        rows.append(timed_rows("w5", "W5 LeNet CNN, glibc heap pinned", {**spec,
                               "pin_malloc": True}, False, "ms/step", 1e3, 1.25))
        print_row(rows[-1])
        mem = memory_row("W5 LeNet CNN, batch 64, SGD step", {"workload": "w5", "batch": 64},
                         ["engine", "numpy"] + (["torch"] if torch else []))
        summarize_w4_memory(mem, target=1.5)
        memory.append(mem)
        print_memory(mem)
    if "W6" in only:
        # An LSTM (input 8, hidden 64) over 32 steps, batch 16, BPTT and one Adam step
        # (benchmarks/lstm.py), on one BLAS thread: its products are small (16 x 64 by
        # 64 x 256 a step), which OpenBLAS runs on one thread anyway, and the few larger
        # ones of the hand-written backward (512 rows) would take a second thread that, on
        # a machine others are using, stalls them: 62 ms a numpy step with two threads
        # against 11 ms with one, in one run at a load average of 7 (2.9 ms when quiet).
        spec = {"repeats": 5 if quick else 41, "inner": 2 if quick else 3,
                "threads": THREADS if THREADS is not None else 1}
        threads = f"{spec['threads']} BLAS thread" + ("s" if spec["threads"] != 1 else "")
        rows.append(timed_rows("w6", f"W6 LSTM 8-64, 32 steps, batch 16, BPTT, Adam ({threads})",
                               spec, torch, "ms/step", 1e3, 2.0))
        print_row(rows[-1])
    gpu: dict[str, Any] = {}
    if "GPU" in only:
        reason = gpu_reason()
        if reason:
            gpu = {"skipped": reason}
            print(f"\nGPU: skipped ({reason})")
        else:
            # numpy is the reference the others' weights are checked against (worker.py)
            impls = ["engine", "numpy", "engine-gpu"] + (
                ["torch-gpu"] if torch and torch_sees_gpu() else []) + ["cupy"]
            spec = {"workload": "gpu", "mode": "time", "batch": 4096, "optimizer": "sgd",
                    "repeats": 5 if quick else 11, "inner": 2, "impls": impls}
            res = run_job(spec)
            if "error" in res:
                gpu = {"error": res["error"]}
            else:
                gpu = {k: med(v) * 1e3 for k, v in res["seconds"].items()}
                gpu["check_max_rel_diff"] = res.get("check_max_rel_diff")
            print(f"\nGPU, W1 at batch 4096 (ms/step): {gpu}")

    result = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "quick": quick,
        "threads": args.threads,
        "machine": machine,
        "load_average_before_after": [load_before, os.getloadavg()],
        "torch": torch,
        "rows": rows,
        "memory": memory,
        "gpu": gpu,
        "targets": TARGETS,
        "memory_method": "tracemalloc (numpy reports its buffers): traced peak over the traced "
                         "size after setup, one fresh process per implementation; RSS "
                         "high-water over setup as a cross-check and for PyTorch",
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    table = markdown(result)
    out.with_suffix(".md").write_text(table)
    print("\n" + table)
    print(f"results: {out} and {out.with_suffix('.md')}")


# --- reporting -----------------------------------------------------------------------------

def print_machine(machine: dict[str, Any], torch: bool) -> None:
    print(f"machine: {machine.get('cpu')}, {machine.get('cores')} cores; "
          f"Python {machine.get('python')}, numpy {machine.get('numpy')}")
    for blas in machine.get("blas", []):
        print(f"BLAS: {blas.get('internal_api')} {blas.get('version')}, "
              f"{blas.get('num_threads')} threads, kernels {blas.get('architecture')}")
    print(f"OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE in the benchmark processes: "
          f"{machine.get('openblas_env')}")
    print(f"PyTorch column: {'yes' if torch else 'no (torch not installed)'}\n")


def print_row(row: dict[str, Any]) -> None:
    if "error" in row:
        print(f"{row['workload']}: ERROR {row['error']}")
        return
    unit = row["unit"]
    text = (f"{row['workload']}: numpy {row['numpy']:.4g} {unit}, engine {row['engine']:.4g} "
            f"{unit}, engine/numpy {row['ratio']:.2f}x (CPU time {row.get('cpu_ratio', 0):.2f}x)")
    if "torch" in row:
        text += f", torch {row['torch']:.4g} {unit} ({row['torch_ratio']:.2f}x numpy)"
    if "engine_forward" in row:
        text += (f"\n    engine forward {row['engine_forward']:.3g} + backward "
                 f"{row['engine_backward']:.3g} {unit}; per op {row['engine_per_op']:.3g} us")
    if "pass" in row:
        text += f"  [{'PASS' if row['pass'] else 'FAIL'}]"
    if "engine_arrays" in row:
        text += f"\n    {_arrays_note(row)}"
    print(text)


def _arrays_note(row: dict[str, Any]) -> str:
    unit = row["unit"]
    text = (f"the engine's array calls alone (xor.EngineArraysXOR): {row['engine_arrays']:.3g} "
            f"{unit}, {row['engine_arrays_ratio']:.2f}x numpy; the rest of the engine's "
            f"{row['engine']:.3g} {unit} is Python bookkeeping")
    if "bare_engine" in row:
        text += (f". A bare pure-Python engine (bare_engine.py: the maths, none of the checks, "
                 f"version counters or create_graph): {row['bare_engine']:.3g} {unit}, "
                 f"{row['bare_engine_ratio']:.2f}x numpy")
    if "numpy_expit" in row:
        samples = row["samples"]
        ratio = med([e / n for e, n in zip(samples["engine"], samples["numpy_expit"])])
        text += (f". Hand-written numpy with scipy's expit for the sigmoid, as the engine "
                 f"computes it (xor.NumpyExpitXOR): {row['numpy_expit']:.3g} {unit}, the engine "
                 f"{ratio:.2f}x that")
    return text


def _mib(n: float) -> str:
    return f"{n / 2**20:.1f} MiB"


def summarize_w3_memory(mem: dict[str, Any], n: int) -> None:
    """Arrays the graph keeps over the arrays backward needs (the n tanh outputs), and the
    whole traced heap (graph nodes included) over the hand-written numpy's."""
    eng, ref = mem.get("engine"), mem.get("numpy")
    if not (eng and ref):
        return
    needed = eng["needed_array_bytes"]
    mem["array_ratio"] = eng["numpy_bytes_after_forward"] / needed
    mem["peak_ratio_vs_numpy"] = eng["traced_peak_bytes"] / ref["traced_peak_bytes"]
    mem["engine_bytes_per_step"] = eng["traced_peak_bytes"] / n
    mem["numpy_bytes_per_step"] = ref["traced_peak_bytes"] / n
    mem["pass"] = mem["array_ratio"] <= 2.0


def summarize_w4_memory(mem: dict[str, Any], target: float = 1.2) -> None:
    """Engine peak over the hand-written step's (W4, and W5 with its own target)."""
    eng, ref = mem.get("engine"), mem.get("numpy")
    mem["target_ratio"] = target
    if eng and ref:
        mem["ratio"] = eng["traced_peak_bytes"] / ref["traced_peak_bytes"]
        if ref.get("rss_peak_over_setup_bytes"):
            mem["rss_ratio"] = eng["rss_peak_over_setup_bytes"] / ref["rss_peak_over_setup_bytes"]
        mem["pass"] = mem["ratio"] <= target


def print_memory(mem: dict[str, Any]) -> None:
    print(f"{mem['workload']} (peak over setup):")
    for impl in ("engine", "numpy", "torch"):
        r = mem.get(impl)
        if r is None:
            if f"{impl}_error" in mem:
                print(f"    {impl}: ERROR {mem[impl + '_error']}")
            continue
        rss = r.get("rss_peak_over_setup_bytes")
        traced = _mib(r["traced_peak_bytes"]) if impl != "torch" else "n/a (not traced)"
        text = f"    {impl}: traced {traced}"
        if rss is not None:
            text += f", RSS high-water {_mib(rss)}"
        if "numpy_bytes_after_forward" in r:
            text += (f"; array buffers after forward {_mib(r['numpy_bytes_after_forward'])} "
                     f"(needed {_mib(r['needed_array_bytes'])})")
        print(text)
    for key in ("ratio", "rss_ratio", "array_ratio", "peak_ratio_vs_numpy",
                "engine_bytes_per_step", "numpy_bytes_per_step"):
        if key in mem:
            print(f"    {key}: {mem[key]:.2f}")
    if "pass" in mem:
        print(f"    [{'PASS' if mem['pass'] else 'FAIL'}]")


def markdown(result: dict[str, Any]) -> str:
    m = result["machine"]
    if result.get("threads") is not None:
        m = {**m, "blas": [{**b, "num_threads": result["threads"]} for b in m.get("blas", [])]}
    blas = ", ".join(f"{b.get('internal_api')} {b.get('version')} ({b.get('num_threads')} "
                     f"threads, {b.get('architecture')})" for b in m.get("blas", []))
    lines = [
        f"Measured {result['date']} on {m.get('cpu')} ({m.get('cores')} cores), "
        f"Python {m.get('python')}, numpy {m.get('numpy')}, BLAS {blas}. "
        "Medians of interleaved repeats; ratio = median of per-repeat engine/numpy, wall "
        "clock (CPU time of the process in brackets). 1-minute load average before/after: "
        f"{result['load_average_before_after'][0][0]:.1f}/"
        f"{result['load_average_before_after'][1][0]:.1f}.",
        "",
        "| Workload | numpy | engine | engine / numpy | target | PyTorch (/ numpy) |",
        "|---|---|---|---|---|---|",
    ]
    for row in result["rows"]:
        if "error" in row:
            lines.append(f"| {row['workload']} | error | | | | |")
            continue
        unit = row["unit"]
        target = f"<= {row['target_ratio']}x" if row.get("target_ratio") else "<= 15 us/op"
        ratio = f"{row['ratio']:.2f}x"
        if row.get("target_ratio") and ratio == f"{row['target_ratio']:.2f}x":
            ratio = f"{row['ratio']:.3f}x"  # on the line: a third digit says which side
        if "cpu_ratio" in row:
            ratio += f" (CPU {row['cpu_ratio']:.2f}x)"
        if "engine_per_op" in row:
            ratio += f" ({row['engine_per_op']:.1f} us/op)"
        mark = " ✓" if row.get("pass") else (" ✗" if "pass" in row else "")
        torch = (f"{row['torch']:.3g} {unit} ({row['torch_ratio']:.1f}x)" if "torch" in row
                 else "–")
        lines.append(f"| {row['workload']} | {row['numpy']:.3g} {unit} | "
                     f"{row['engine']:.3g} {unit} | {ratio}{mark} | {target} | {torch} |")
    for mem in result["memory"]:
        eng, ref, tor = mem.get("engine"), mem.get("numpy"), mem.get("torch")
        if not (eng and ref):
            continue
        if "array_ratio" in mem:
            text = (f"arrays kept {mem['array_ratio']:.2f}x needed; whole heap "
                    f"{mem['peak_ratio_vs_numpy']:.1f}x numpy's "
                    f"({mem['engine_bytes_per_step']:.0f} vs "
                    f"{mem['numpy_bytes_per_step']:.0f} B/step)")
            target = "arrays <= 2x"
        else:
            text = f"{mem['ratio']:.2f}x"
            if "rss_ratio" in mem:
                text += f" (RSS {mem['rss_ratio']:.2f}x)"
            target = f"<= {mem.get('target_ratio', 1.2)}x"
        mark = " ✓" if mem.get("pass") else " ✗"
        torch = _mib(tor["rss_peak_over_setup_bytes"]) + " RSS" if tor and \
            "rss_peak_over_setup_bytes" in tor else "–"
        lines.append(f"| {mem['workload']}: peak memory | {_mib(ref['traced_peak_bytes'])} | "
                     f"{_mib(eng['traced_peak_bytes'])} | {text}{mark} | {target} | {torch} |")
    gpu = result.get("gpu") or {}
    notes = [f"- {row['workload'].split(' ')[0]}: {_arrays_note(row)}."
             for row in result["rows"] if "engine_arrays" in row]
    if "skipped" in gpu:
        lines.append(f"| GPU: W1 at batch 4096 | skipped: {gpu['skipped']} | | | | |")
    elif "engine-gpu" in gpu:
        torch_gpu = (f"GPU {gpu['torch-gpu']:.3g} ({gpu['torch-gpu'] / gpu['cupy']:.2f}x CuPy)"
                     if "torch-gpu" in gpu else "–")
        lines.append(f"| GPU: W1 at batch 4096, ms/step | numpy {gpu['numpy']:.3g}, CuPy "
                     f"{gpu['cupy']:.3g} | CPU {gpu['engine']:.3g}, GPU {gpu['engine-gpu']:.3g} | "
                     f"{gpu['engine-gpu'] / gpu['cupy']:.2f}x CuPy | | {torch_gpu} |")
    if notes:
        lines += [""] + notes
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
