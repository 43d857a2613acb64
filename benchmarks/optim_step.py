"""One optimizer step on 10^6 float64 parameters, coursekit vs torch.optim (one thread); and a 2-D run.

    .venv/bin/python benchmarks/optim_step.py

Prints the time per step and the ratio to torch (foreach=False, and torch's
default). The three variants take turns (interleaved rounds of a few steps each),
so that a busy machine slows them alike; each figure is the median over rounds of
the CPU time per step (``time.process_time``: time the process ran, not time it
waited for the neighbours). No asserts: timings on a shared machine are noisy.
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
    closures); the steps take turns within each round."""
    for step in steps.values():
        step()
        step()  # warm up (state allocation)
    times = {name: [] for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            t0 = time.process_time()
            for _ in range(per_round):
                step()
            times[name].append((time.process_time() - t0) / per_round)
    return {name: 1e3 * float(np.median(t)) for name, t in times.items()}


def gradients():
    """Three gradients used in turn (a constant gradient has zero variance, which makes
    centered RMSprop take the root of round-off and turn to NaN, on both sides)."""
    rng = np.random.default_rng(0)
    return rng.normal(size=N), [1e-3 * rng.normal(size=N) for _ in range(3)]


def ours(name, hyper):
    x, grads = gradients()
    opt = getattr(optim, name)([x], **hyper)
    count = iter(range(10**9))

    def step():
        opt.step([grads[next(count) % 3]])

    return step


def theirs(name, hyper, foreach):
    import torch

    x0, grads = gradients()
    x = torch.tensor(x0)
    grads = [torch.tensor(g) for g in grads]
    opt = getattr(torch.optim, name)([x], **hyper, foreach=foreach)
    count = iter(range(10**9))

    def step():
        x.grad = grads[next(count) % 3]
        opt.step()

    return step


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
    print(f"one step on {N:,} float64 parameters, CPU ms per step, median of {REPEATS} interleaved rounds")
    print(f"{'optimizer':58s} {'ours':>7s} {'torch':>7s} {'ratio':>6s} {'torch*':>7s} {'ratio*':>6s}")
    print(f"{'':58s} {'':7s} {'(foreach=False)':>14s}  {'(default)':>13s}")
    for name, hyper in CONFIGS:
        label = f"{name}({', '.join(f'{k}={v}' for k, v in hyper.items())})"
        if torch is None:
            t = interleaved_times({"ours": ours(name, hyper)})
            print(f"{label:58s} {t['ours']:7.2f}   (torch not installed)")
            continue
        t = interleaved_times(
            {
                "ours": ours(name, hyper),
                "single": theirs(name, hyper, foreach=False),
                "default": theirs(name, hyper, foreach=None),
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
