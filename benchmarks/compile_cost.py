"""What `autograd_xor.compile` costs: the first two calls of a compiled W1-like step (trace,
check and code generation) in seconds and in peak memory, for MLPs 2-w-w-1 on two-moons
points with micrograd's demo loss (hinge + 1e-4 L2); and how fast the replay then runs
next to a hand-written pure-Python step over lists of floats (and micrograd, if installed).

    python benchmarks/compile_cost.py                 # widths 16, 64 and 128, then speed
    python benchmarks/compile_cost.py --widths 16,64 --no-speed

`measure_compile_cost(width, points=100)` is what bench.py calls. Time and memory are
measured in separate runs: tracemalloc slows Python down many times over.
"""

import argparse
import gc
import os
import random
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workloads as W  # the file next to this one

import autograd_xor as ax


def _compiled_step(width, points):
    random.seed(W.DEMO_SEED)
    model = ax.MLP(2, [width, width, 1])
    xs, ys = W.two_moons(points)
    return model, ax.compile(lambda: W.demo_loss(model, ax.Value, xs, ys)[0])


def measure_compile_cost(width, points=100):
    """The cost of compiling micrograd's demo step with an MLP 2-width-width-1 on `points`
    two-moons points: dict(seconds=..., cpu_seconds=..., peak_mb=..., lines=...,
    replay_ms=..., eager_ms=...) where `seconds` is the wall-clock time of the first two
    calls (trace, check and code generation, which includes the two eager steps),
    `cpu_seconds` this process's CPU time for them (steadier on a busy machine), `peak_mb`
    tracemalloc's peak memory growth over them, `lines` the length of the generated code,
    `replay_ms` one replayed step and `eager_ms` one eager step (fn() and backward()).

        >>> cost = measure_compile_cost(4, points=10)
        >>> sorted(cost), cost["seconds"] > 0
        (['cpu_seconds', 'eager_ms', 'lines', 'peak_mb', 'replay_ms', 'seconds'], True)
    """
    model, step = _compiled_step(width, points)
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    step()
    step()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()
    step()
    replay = time.perf_counter() - t0
    t0 = time.perf_counter()
    step.fn().backward()
    eager = time.perf_counter() - t0
    lines = step.source.count("\n")
    del model, step
    _model, step = _compiled_step(width, points)
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    step()
    step()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak / 1e6, "lines": lines,
            "replay_ms": replay * 1e3, "eager_ms": eager * 1e3}


# --- the same step by hand, over lists of floats ----------------------------------------

def handwritten_w1(width=16, points=100, skip_zeros=False):
    """micrograd's demo step written by hand in pure Python over lists of floats: forward,
    backward and the SGD update, for the same MLP, data and learning-rate schedule as W1.
    Returns step(), which returns the loss; the yardstick for the compiled replay.

    With `skip_zeros` it leaves out the backward pass of the points whose hinge is flat
    and of the dead ReLUs, as a hand-written step may; the replay (like backward()) does
    all of it, since skipping a multiplication by 0.0 changes the bits of a gradient that
    is -0.0 or meets an inf."""
    random.seed(W.DEMO_SEED)
    sizes = [2, width, width, 1]
    layers = []
    for i in range(3):          # micrograd's draw order: neuron by neuron, weights then bias 0
        layers.append(([[random.uniform(-1, 1) for _ in range(sizes[i])]
                        for _ in range(sizes[i + 1])], [0.0] * sizes[i + 1]))
    (w1, b1), (w2, b2), (w3, b3) = layers
    xs, ys = W.two_moons(points)
    state = {"k": 0}
    n = len(xs)

    def step():
        gw1 = [[0.0] * 2 for _ in range(width)]
        gb1 = [0.0] * width
        gw2 = [[0.0] * width for _ in range(width)]
        gb2 = [0.0] * width
        gw3 = [0.0] * width
        gb3 = 0.0
        total = 0.0
        for (x0, x1), y in zip(xs, ys):
            h1 = []
            for (a, b), c in zip(w1, b1):
                z = c + a * x0 + b * x1
                h1.append(z if z > 0.0 else 0.0)
            h2 = []
            for row, c in zip(w2, b2):
                z = c
                for w, h in zip(row, h1):
                    z += w * h
                h2.append(z if z > 0.0 else 0.0)
            s = b3[0]
            for w, h in zip(w3[0], h2):
                s += w * h
            margin = 1.0 - y * s
            if margin <= 0.0 and skip_zeros:
                continue
            total += margin if margin > 0.0 else 0.0
            ds = -y / n if margin > 0.0 else 0.0     # d(mean hinge)/ds
            gb3 += ds
            d2 = []
            for j, (w, h) in enumerate(zip(w3[0], h2)):
                gw3[j] += ds * h
                d2.append(ds * w if h > 0.0 else 0.0)
            d1 = [0.0] * width
            for j, (row, d) in enumerate(zip(w2, d2)):
                if d or not skip_zeros:
                    gb2[j] += d
                    g = gw2[j]
                    for i, h in enumerate(h1):
                        g[i] += d * h
                        d1[i] += d * row[i]
            for j, d in enumerate(d1):
                if h1[j] <= 0.0:
                    if skip_zeros:
                        continue
                    d = 0.0
                gb1[j] += d
                gw1[j][0] += d * x0
                gw1[j][1] += d * x1
        lr = 1.0 - 0.9 * (state["k"] % 100) / 100
        reg = 0.0
        for ws, gs in ((w1, gw1), (w2, gw2)):
            for row, grow in zip(ws, gs):
                for i, w in enumerate(row):
                    reg += w * w
                    row[i] = w - lr * (grow[i] + 2e-4 * w)
        for bs, gs in ((b1, gb1), (b2, gb2)):
            for i, b in enumerate(bs):
                reg += b * b
                bs[i] = b - lr * (gs[i] + 2e-4 * b)
        for i, w in enumerate(w3[0]):
            reg += w * w
            w3[0][i] = w - lr * (gw3[i] + 2e-4 * w)
        reg += b3[0] * b3[0]
        b3[0] = b3[0] - lr * (gb3 + 2e-4 * b3[0])
        state["k"] += 1
        return total / n + 1e-4 * reg
    return step


def speed(rounds=7, steps=20):
    """Median seconds per W1 step: {'compiled': ..., 'hand-written': ..., 'micrograd': ...}
    (micrograd only if it is installed), alternating round by round."""
    contestants = {"compiled": W.w4_w1_compiled, "hand-written": handwritten_w1,
                   "hand-written, skipping zeros": lambda: handwritten_w1(skip_zeros=True)}
    try:
        import micrograd  # noqa: F401
        contestants["micrograd"] = W.w1_micrograd
    except ImportError:
        pass
    runs = {name: make() for name, make in contestants.items()}
    for run in runs.values():
        run()
        run()                                # the compiled step's trace and check
    times = {name: [] for name in runs}
    for r in range(rounds):
        for name, run in (list(runs.items()) if r % 2 == 0 else list(runs.items())[::-1]):
            n = 1 if name == "micrograd" else steps
            gc.collect()
            t0 = time.process_time()
            for _ in range(n):
                run()
            times[name].append((time.process_time() - t0) / n)
    return {name: sorted(ts)[len(ts) // 2] for name, ts in times.items()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--widths", default="16,64,128", help="comma-separated hidden widths")
    ap.add_argument("--points", type=int, default=100, help="two-moons points (default 100)")
    ap.add_argument("--no-speed", action="store_true", help="skip the replay speed table")
    args = ap.parse_args(argv)
    try:
        widths = [int(w) for w in args.widths.split(",")]
    except ValueError:
        ap.error(f"--widths: expected comma-separated ints, got {args.widths!r}")
    print(f"compile cost, MLP 2-w-w-1 on {args.points} points (first two calls)")
    print(f"  {'width':>5} {'seconds':>8} {'cpu s':>7} {'peak MB':>8} {'lines':>7} "
          f"{'replay ms':>10} {'eager ms':>9}")
    for width in widths:
        c = measure_compile_cost(width, args.points)
        print(f"  {width:5d} {c['seconds']:8.3f} {c['cpu_seconds']:7.3f} {c['peak_mb']:8.1f} "
              f"{c['lines']:7d} {c['replay_ms']:10.2f} {c['eager_ms']:9.2f}")
    if not args.no_speed:
        times = speed()
        print("\nW1 step (MLP 2-16-16-1, 100 points), median of 7 rounds")
        for name, t in times.items():
            extra = ""
            if name != "compiled":
                extra = f"  compiled is {t / times['compiled']:.2f}x faster" \
                    if t > times["compiled"] else \
                    f"  compiled is {times['compiled'] / t:.2f}x slower"
            print(f"  {name:28} {t * 1e3:9.3f} ms{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
