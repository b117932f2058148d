"""Benchmarks: autograd_xor side by side with micrograd (and PyTorch, where installed).

    python benchmarks/bench.py            # the full run, a few minutes (`make bench`)
    python benchmarks/bench.py --quick    # fewer rounds and steps, under a minute
    python benchmarks/bench.py --only W1,W3 --json out.json --plot bench.png

All engines run in this one process, alternating round by round (so a slow spell of the
machine hits them all alike), with Python's garbage collector left on as in real use. Each
row reports the median time per step over the rounds and its ratio to micrograd in the
same run (higher is faster), and the first loss of each engine, so you can see they
compute the same thing. PyTorch rows are skipped, with a note, if `torch` is not
importable. The workloads are described in `benchmarks/workloads.py`; W2 also reports
tracemalloc's peak memory per op for building the chain and running backward().
Results are printed as a table and written as JSON (default `benchmarks/results.json`).
"""

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workloads as W  # noqa: E402  (the file next to this one)

import importlib.util
import subprocess

HAVE_TORCH = importlib.util.find_spec("torch") is not None


def _time_steps(step, n):
    t0 = time.perf_counter()
    for _ in range(n):
        step()
    return (time.perf_counter() - t0) / n


def race(contestants, rounds, budget):
    """contestants: {name: (setup, steps_per_round[, warmup])}: setup() returns step().
    Each step's first call gives the loss for the cross-check, `warmup` more calls (the
    compiled path's trace check and code generation) are not timed. Returns {name: row}."""
    rows = {}
    steps = {}
    for name, (setup, nsteps, *warmup) in contestants.items():
        t0 = time.perf_counter()
        step = setup()
        first = step()                           # the first loss, for the cross-check
        for _ in range(warmup[0] if warmup else 0):
            step()
        rows[name] = {"setup_s": time.perf_counter() - t0, "first_loss": first, "times": []}
        steps[name] = step
        if nsteps is None:                       # fill about `budget` seconds per round
            t = _time_steps(step, 1)
            nsteps = max(1, min(1000, int(budget / max(t, 1e-6))))
        rows[name]["steps_per_round"] = nsteps
    names = list(contestants)
    for r in range(rounds):
        for name in (names if r % 2 == 0 else names[::-1]):
            # micrograd's graphs are reference cycles (each node's _backward closure holds
            # the node), freed only by the garbage collector: each round starts clean and
            # pays, in its time, for collecting its own garbage
            gc.collect()
            n = rows[name]["steps_per_round"]
            t0 = time.perf_counter()
            _time_steps(steps[name], n)
            gc.collect()
            rows[name]["times"].append((time.perf_counter() - t0) / n)
    for row in rows.values():
        row["median_s"] = statistics.median(row["times"])
    return rows


def _ratio(rows, name, base="micrograd"):
    if "ratio_to_micrograd" in rows[name]:
        return rows[name]["ratio_to_micrograd"]
    return rows[base]["median_s"] / rows[name]["median_s"] if base in rows else None


def bench_w1(quick, torch_child=False):
    c = {"micrograd": (W.w1_micrograd, 1)}
    if torch_child:
        c["torch, scalar 0-d tensors"] = (W.w1_torch_scalar, 1)
        c["torch, batched"] = (W.w1_torch_batched, None)
    else:
        c["autograd_xor (W1: nn.MLP)"] = (W.w1_ours, None)
        c["autograd_xor (W1-ops: binary ops)"] = (W.w1_ops_ours, None)
        c["autograd_xor compiled (W4)"] = (W.w4_w1_compiled, None, 1)
    return race(c, rounds=3 if quick else 7, budget=0.3 if quick else 1.0)


def bench_w3(quick, torch_child=False):
    epochs = 1000 if quick else 10_000
    c = {"micrograd": (W.w3_micrograd, epochs)}
    if torch_child:
        c["torch, batched"] = (W.w3_torch_batched, epochs)
    else:
        c["autograd_xor (W3)"] = (W.w3_ours, epochs)
        c["autograd_xor compiled (W4)"] = (W.w4_w3_compiled, epochs, 1)
    return race(c, rounds=3, budget=None)


def torch_rows(args, only):
    """The PyTorch rows, run in a child process: importing torch alone makes every full
    garbage collection in the process slower, which would tax the pure-Python engines.
    The child times its own micrograd for the ratios."""
    if not HAVE_TORCH:
        return None
    cmd = [sys.executable, __file__, "--torch-child", "--only", ",".join(sorted(only))]
    if args.quick:
        cmd.append("--quick")
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        print(f"  (PyTorch rows failed: {out.stderr.strip().splitlines()[-1:]})")
        return None
    return json.loads(out.stdout)


def _merge(rows, child):
    """Add the child's torch rows, with their ratio to the child's own micrograd."""
    for name, row in child.items():
        if name != "micrograd":
            row["ratio_to_micrograd"] = child["micrograd"]["median_s"] / row["median_s"]
            row["note"] = "separate process"
            rows[name] = row


def _chain_run(value_cls, n, kind, memory):
    gc.collect()
    if memory:
        tracemalloc.start()
    t0 = time.perf_counter()
    x, y = W.chain(value_cls, n, kind)
    t1 = time.perf_counter()
    try:
        y.backward()
        ok = x.grad == 1.0
    except RecursionError:
        ok = "RecursionError"
    t2 = time.perf_counter()
    peak = None
    if memory:
        peak = tracemalloc.get_traced_memory()[1] / n
        tracemalloc.stop()
    del x, y
    gc.collect()
    return {"build_s_per_op": (t1 - t0) / n, "backward_s_per_op": (t2 - t1) / n,
            "ok": ok, "peak_bytes_per_op": peak}


def bench_w2(quick):
    from micrograd.engine import Value as MValue
    rows = {}
    sizes = [10_000, 100_000] if quick else [10_000, 100_000, 1_000_000]
    for kind in ("const", "shared"):
        for n in [500]:
            rows[f"micrograd, {kind}, n={n}"] = _micrograd_chain(MValue, n, kind)
        rows[f"micrograd, {kind}, n=10000"] = _micrograd_chain(MValue, 10_000, kind)
        for n in sizes:
            row = _chain_run(W.ax.Value, n, kind, memory=False)
            row["peak_bytes_per_op"] = _chain_run(W.ax.Value, n, kind, memory=True)[
                "peak_bytes_per_op"]
            rows[f"autograd_xor, {kind}, n={n}"] = row
    return rows


def _micrograd_chain(value_cls, n, kind):
    runs = [_chain_run(value_cls, n, kind, memory=False) for _ in range(3)]   # short: best of 3
    row = min(runs, key=lambda r: r["build_s_per_op"] + r["backward_s_per_op"])
    row["peak_bytes_per_op"] = _chain_run(value_cls, n, kind, memory=True)["peak_bytes_per_op"]
    return row


def _fmt_time(s):
    return f"{s * 1e3:10.3f} ms" if s >= 1e-4 else f"{s * 1e6:10.3f} µs"


def print_race(title, rows, unit="step"):
    print(f"\n{title}")
    print(f"  {'engine':38} {'median/' + unit:>15} {'vs micrograd':>13}  first loss")
    for name, row in rows.items():
        ratio = _ratio(rows, name)
        rs = f"{ratio:12.1f}x" if ratio is not None else ""
        note = f"  ({row['note']})" if "note" in row else ""
        print(f"  {name:38} {_fmt_time(row['median_s']):>15} {rs:>13}  "
              f"{row['first_loss']!r}{note}")


def print_chain(rows):
    print("\nW2: backward() through a chain of n ops (const: y = y*1.0 + 0.0; "
          "shared: y = y*a + b)")
    print(f"  {'engine, chain, size':32} {'build/op':>12} {'backward/op':>12} "
          f"{'peak bytes/op':>14}  works")
    for name, r in rows.items():
        peak = f"{r['peak_bytes_per_op']:14.0f}" if r["peak_bytes_per_op"] else " " * 14
        back = _fmt_time(r["backward_s_per_op"]) if r["ok"] is True else "—"
        print(f"  {name:32} {_fmt_time(r['build_s_per_op']):>12} {back:>12} {peak}  {r['ok']}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer rounds, steps and sizes")
    ap.add_argument("--only", default="W1,W2,W3",
                    help="comma-separated workloads: W1 (with W1-ops and W4), W2, W3 (with W4)")
    ap.add_argument("--json", default=os.path.join(os.path.dirname(__file__), "results.json"),
                    help="where to write the results (default: benchmarks/results.json)")
    ap.add_argument("--plot", default=None, help="also draw the ratios to this image file")
    ap.add_argument("--torch-child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    only = {w.strip().upper() for w in args.only.split(",")}
    unknown = only - {"W1", "W2", "W3"}
    if unknown:
        ap.error(f"--only: unknown workload(s) {sorted(unknown)}; choose from W1, W2, W3")

    try:
        import micrograd  # noqa: F401
    except ImportError:
        sys.exit("bench: micrograd is not installed; run `make bench`, or "
                 "`pip install -e '.[bench]'`")
    if args.torch_child:
        import torch
        torch.set_num_threads(1)
        child = {}
        if "W1" in only:
            child["W1"] = bench_w1(args.quick, torch_child=True)
        if "W3" in only:
            child["W3"] = bench_w3(args.quick, torch_child=True)
        json.dump(child, sys.stdout)
        return 0
    print(f"Python {platform.python_version()} on {platform.machine()}, "
          f"{os.cpu_count()} cores; garbage collector on")
    child = torch_rows(args, only & {"W1", "W3"}) if only & {"W1", "W3"} else None
    if not HAVE_TORCH:
        print("  (PyTorch rows skipped: torch is not importable; `pip install torch` adds them)")
    results = {"python": platform.python_version(), "quick": args.quick,
               "torch": bool(child)}
    if "W1" in only:
        results["W1"] = bench_w1(args.quick)
        if child:
            _merge(results["W1"], child["W1"])
        print_race("W1: micrograd's demo, one full-batch SGD step (100 two-moons points, "
                   "MLP 2-16-16-1)", results["W1"])
    if "W3" in only:
        results["W3"] = bench_w3(args.quick)
        if child:
            _merge(results["W3"], child["W3"])
        print_race("W3: the sigmoid XOR network (2-3-1), one full-batch epoch",
                   results["W3"], unit="epoch")
    if "W2" in only:
        results["W2"] = bench_w2(args.quick)
        print_chain(results["W2"])
    with open(args.json, "w") as f:
        json.dump(results, f, indent=1)
    print(f"\nwrote {args.json}")
    if args.plot:
        plot(results, args.plot)
        print(f"wrote {args.plot}")
    return 0


def plot(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    names, ratios = [], []
    for w in ("W1", "W3"):
        for name in results.get(w, {}):
            if name != "micrograd":
                names.append(f"{w}: {name}")
                ratios.append(_ratio(results[w], name))
    fig, ax = plt.subplots(figsize=(8, 0.4 * len(names) + 1))
    ax.barh(names[::-1], ratios[::-1])
    ax.set_xscale("log")
    ax.set_xlabel("speed-up over micrograd (median per step, same run)")
    fig.tight_layout()
    fig.savefig(path)


if __name__ == "__main__":
    sys.exit(main())
