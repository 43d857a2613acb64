"""How fast the machine is right now, to read the other benchmarks against.

Shared virtual machines are often paused by their host. Here the whole machine
stops for tens to hundreds of milliseconds at a time, both cores at once (the same
snippet times 85 ms when left alone and 0.7-1.4 s when paused), so a wall-clock
timing says more about the neighbours than about the code. Two tools:

- ``reference_ms()``: a fixed workload of Python loops and small numpy operations,
  like a lesson's, about 16 ms on a quiet 2-core machine; printed beside results.
- ``Hiccups``: a probe process that sleeps 2 ms at a time and records every
  oversleep (the idea of jHiccup), taken as time in which the machine did not run;
  ``paused(windows)`` sums it over each window, so that ``wall - paused`` estimates what
  the window would take on an undisturbed machine. The estimate mostly errs high:
  slowdowns shorter than the probe sees, or of one core only, stay in it (here the
  reference workload's corrected median was 1.1-2 times its undisturbed time). It can
  also err low, since a pause is placed at the end of the sleep that logged it
  (seen here: one corrected time 17 % under the undisturbed one).
  ``python benchmarks/_machine.py --check`` shows how well it works right now.
"""

import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np

SLEEP = 0.002  # the probe's sleep, seconds (shorter costs the machine more CPU)
MIN_EXCESS = 0.002  # oversleeps shorter than this are ordinary scheduling noise


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


class Hiccups:
    """``with Hiccups() as h: ...; h.paused([(t0, t1), ...])``: seconds the machine stood
    still within each window of two ``time.perf_counter()`` readings (a system-wide
    monotonic clock). Ask after the timed work: a pause is logged when the probe wakes."""

    def __enter__(self):
        self._file = tempfile.NamedTemporaryFile("r", suffix=".hiccups")
        self._probe = subprocess.Popen([sys.executable, __file__, self._file.name])
        return self

    def __exit__(self, *exc):
        self._probe.terminate()
        self._probe.wait()
        self._file.close()

    def paused(self, windows) -> list[float]:
        text = pathlib.Path(self._file.name).read_text()  # read once for all windows
        rows = np.array([line.split() for line in text.splitlines() if line.count(" ") == 1], float)
        rows = rows.reshape(-1, 2)
        start, end = rows[:, 0] + SLEEP, rows[:, 0] + SLEEP + rows[:, 1]  # each pause [start, end]
        return [float(np.clip(np.minimum(end, t1) - np.maximum(start, t0), 0.0, None).sum()) for t0, t1 in windows]


def _probe(path: str) -> None:
    """Sleep SLEEP seconds at a time for ever; append 'start excess' for every oversleep."""
    with open(path, "w") as out:
        while True:
            t0 = time.perf_counter()
            time.sleep(SLEEP)
            excess = time.perf_counter() - t0 - SLEEP
            if excess > MIN_EXCESS:
                out.write(f"{t0!r} {excess!r}\n")
                out.flush()


def check(repeat: int = 30) -> None:
    """How well ``wall - paused`` recovers a fixed workload's undisturbed time: time the
    reference workload ``repeat`` times beside the probe and print both distributions.
    On an undisturbed machine the two agree; here the corrected times should sit near the
    raw minimum (the undisturbed time), with the raw ones spread far above it."""
    windows = []
    with Hiccups() as hiccups:
        time.sleep(0.5)
        for _ in range(repeat):
            t0 = time.perf_counter()
            reference_ms()
            windows.append((t0, time.perf_counter()))
        time.sleep(0.1)  # let the probe log a pause that ended with the last window
        paused = hiccups.paused(windows)
    raw = [1e3 * (t1 - t0) for t0, t1 in windows]
    corrected = [r - 1e3 * p for r, p in zip(raw, paused)]
    for name, values in (("raw", raw), ("corrected", corrected)):
        print(f"{name:>9s} ms: min {min(values):6.1f}  median {np.median(values):6.1f}  max {max(values):6.1f}")


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "--check":
        check()
    elif len(sys.argv) == 2:
        _probe(sys.argv[1])
