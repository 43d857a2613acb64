"""One optimizer step on 10^6 float64 parameters, coursekit vs torch.optim (one thread); and a 2-D run.

    .venv/bin/python benchmarks/optim_step.py

Prints the time per step and the ratio to torch (foreach=False, and torch's
default). The three variants take turns (interleaved rounds of a few steps each),
so that a busy machine slows them alike; each figure is the median over rounds of
the CPU time per step (``time.process_time``: time the process ran, not time it
waited for the neighbours). No asserts: timings on a shared machine are noisy.

Two cases of where the gradient is when ``step`` runs:

- cold: three gradients used in turn, 24 MB, which with the parameters and the
  state overflow the cache, so the step reads each gradient from main memory;
- fresh: the gradient is written into one buffer just before each step (untimed),
  as a backward pass leaves it, so it is still in cache.

coursekit's step reads every gradient once before it writes anything (a
non-finite gradient raises and leaves every parameter as it was); torch's does
not check. That read is nearly free on a fresh gradient and a whole extra pass
over memory on a cold one: plain SGD, whose update is a single pass, shows it most.
"""

import time

import numpy as np
from _machine import reference_ms

from coursekit import landscapes, optim

N = 10**6
REPEATS = 30

CONFIGS = [
    ("SGD", dict(lr=1e-3)),
    ("SGD", dict(lr=1e-3, momentum=0.9)),
    ("SGD", dict(lr=1e-3, momentum=0.9, nesterov=True, weight_decay=1e-4)),
    ("Adagrad", dict(lr=1e-2)),
    ("RMSprop", dict(lr=1e-3)),
    ("RMSprop", dict(lr=1e-3, momentum=0.9, centered=True)),
    ("Adam", dict(lr=1e-3)),
    ("Adam", dict(lr=1e-3, amsgrad=True, weight_decay=1e-4)),
    ("AdamW", dict(lr=1e-3)),
]


def interleaved_times(steps, rounds=REPEATS, per_round=3):
    """Median over ``rounds`` of the CPU ms per step of each of ``steps`` (a dict of
    ``(prepare, step)`` pairs of closures; only ``step`` is timed); the steps take
    turns within each round."""
    for prepare, step in steps.values():
        for _ in range(2):  # warm up (state allocation)
            prepare()
            step()
    times = {name: [] for name in steps}
    for _ in range(rounds):
        for name, (prepare, step) in steps.items():
            total = 0.0
            for _ in range(per_round):
                prepare()
                t0 = time.process_time()
                step()
                total += time.process_time() - t0
            times[name].append(total / per_round)
    return {name: 1e3 * float(np.median(t)) for name, t in times.items()}


def gradients():
    """Three gradients used in turn (a constant gradient has zero variance, which makes
    centered RMSprop take the root of round-off and turn to NaN, on both sides)."""
    rng = np.random.default_rng(0)
    return rng.normal(size=N), [1e-3 * rng.normal(size=N) for _ in range(3)]


def ours(name, hyper, fresh):
    x, grads = gradients()
    opt = getattr(optim, name)([x], **hyper)
    count = iter(range(10**9))
    g = np.empty(N) if fresh else None

    def prepare():
        nonlocal g
        if fresh:
            np.copyto(g, grads[next(count) % 3])
        else:
            g = grads[next(count) % 3]

    return prepare, lambda: opt.step([g])


def theirs(name, hyper, foreach, fresh):
    import torch

    x0, grads = gradients()
    x = torch.tensor(x0)
    grads = [torch.tensor(g) for g in grads]
    opt = getattr(torch.optim, name)([x], **hyper, foreach=foreach)
    count = iter(range(10**9))
    buffer = torch.empty(N, dtype=torch.float64)

    def prepare():
        if fresh:
            x.grad = buffer.copy_(grads[next(count) % 3])
        else:
            x.grad = grads[next(count) % 3]

    return prepare, opt.step


def trajectory_time(cls, repeats=20, **hyper):
    land = landscapes.Rosenbrock()
    landscapes.run(cls, land, [-1.2, 1.0], 200, **hyper)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        landscapes.run(cls, land, [-1.2, 1.0], 200, **hyper)
        times.append(time.perf_counter() - t0)
    return float(np.min(times))


def main():
    print(f"machine reference: {reference_ms():.1f} ms (about 16 ms on a quiet 2-core machine)")
    try:  # numpy and torch alike on one thread, for a fair comparison
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:
        pass
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        torch = None
    print(f"one step on {N:,} float64 parameters, CPU ms per step, median of {REPEATS} interleaved rounds;")
    print("ratio = ours / torch(foreach=False); ratio* = ours / torch's default")
    for fresh in (False, True):
        print()
        print("fresh gradient (just written, in cache)" if fresh else "cold gradient (read from main memory)")
        print(f"{'optimizer':58s} {'ours':>7s} {'torch':>7s} {'ratio':>6s} {'torch*':>7s} {'ratio*':>6s}")
        for name, hyper in CONFIGS:
            label = f"{name}({', '.join(f'{k}={v}' for k, v in hyper.items())})"
            if torch is None:
                t = interleaved_times({"ours": ours(name, hyper, fresh)})
                print(f"{label:58s} {t['ours']:7.2f}   (torch not installed)")
                continue
            t = interleaved_times(
                {
                    "ours": ours(name, hyper, fresh),
                    "single": theirs(name, hyper, False, fresh),
                    "default": theirs(name, hyper, None, fresh),
                }
            )
            print(
                f"{label:58s} {t['ours']:7.2f} {t['single']:7.2f} {t['ours'] / t['single']:6.2f} "
                f"{t['default']:7.2f} {t['ours'] / t['default']:6.2f}"
            )
    print()
    print("a 2-D trajectory of 200 steps on Rosenbrock (landscapes.run), best of 20 (ms):")
    for name, hyper in [
        ("SGD", dict(lr=1e-3, momentum=0.9)),
        ("Adam", dict(lr=0.05)),
        ("RMSprop", dict(lr=1e-2)),
        ("LBFGS", {}),
    ]:
        print(f"  {name:8s} {1e3 * trajectory_time(getattr(optim, name), **hyper):7.2f}")


if __name__ == "__main__":
    main()
