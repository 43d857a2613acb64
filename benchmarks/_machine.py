"""How fast the machine is right now, to read the other benchmarks against.

Shared virtual machines vary a lot from minute to minute (runs of the same code
differ by 10x here). Each benchmark prints this reference next to its numbers: a
fixed workload of Python loops and small numpy operations, like a lesson's, whose
time on a quiet 2-core machine is about 16 ms.
"""
import time

import numpy as np


def reference_ms() -> float:
    """Milliseconds of the reference workload, median of five (so that contention shows)."""
    a = np.random.default_rng(0).standard_normal((64, 64))
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        s = 0
        for i in range(200_000):
            s += i
        for _ in range(500):
            a = np.tanh(a @ a.T / 64)
        times.append(time.perf_counter() - t0)
    return 1e3 * float(np.median(times))
