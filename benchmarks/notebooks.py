"""Execute every lesson as the book does and report its time and peak memory.

Budget (DESIGN.md): each notebook under 20 s and 500 MB on a 2-core machine.
Run: .venv/bin/python benchmarks/notebooks.py [--repeat N] [--cells] [lessons/NN_name.ipynb ...]

This machine is often paused by its host (see _machine.py), so each notebook runs
N times (default 3), each in a fresh kernel, while a probe records the pauses. Columns:
- "est s": the estimate for an undisturbed 2-core machine, checked against the
  budget: for each cell, its fastest run after subtracting the pauses seen during
  it; summed over cells.
- "quiet s": the same without the pause correction, an upper bound (each cell at
  its fastest run as measured; interference only ever adds time).
- "best s", "worst s": the fastest and slowest whole run, as measured.
- "paused %": share of the fastest run's wall time the machine stood still.
- "kernel CPU s": CPU time of the kernel process in the fastest run (a paused
  virtual machine counts pauses as CPU time too).
- "peak MB": the kernel's peak resident memory, largest over the runs.
- "machine ms": _machine.reference_ms() before the notebook (about 16 ms when quiet).
--cells lists every cell whose estimate is over half a second.
"""

import os
import pathlib
import sys
import time

import nbformat
from _machine import Hiccups, reference_ms
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from ipc_kernels import AsyncIPCKernelManager  # noqa: E402  (the kernels of make test and make book)

# Appended to a copy of each notebook: the kernel's own peak resident set, in MB.
PEAK = "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"


def cpu_seconds(pid):
    """User + system CPU seconds of process pid and its waited-for children (/proc/pid/stat)."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def run(path, hiccups):
    """One execution in a fresh kernel: per-cell (wall, paused) seconds, kernel CPU s, peak MB, cells."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK))
    # The kernel on IPC sockets, as make test's and make book's (tools/ipc_kernels.py);
    # nbclient creates its manager, so it also shuts the kernel down after the last cell.
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        kernel_manager_class=AsyncIPCKernelManager,
        resources={"metadata": {"path": str(ROOT / "lessons")}},
    )
    windows = []
    with client.setup_kernel():
        pid = client.km.provisioner.pid
        cpu_start = cpu_seconds(pid)
        for index, cell in enumerate(nb.cells[:-1]):
            t0 = time.perf_counter()
            client.execute_cell(cell, index)
            windows.append((t0, time.perf_counter()))
        cpu = cpu_seconds(pid) - cpu_start
        client.execute_cell(nb.cells[-1], len(nb.cells) - 1)
    time.sleep(0.1)  # let the probe log a pause that ended with the last cell
    cells = [(t1 - t0, p) for (t0, t1), p in zip(windows, hiccups.paused(windows))]
    return cells, cpu, float(nb.cells[-1].outputs[0]["text"]), nb.cells[:-1]


def main(args):
    repeat, per_cell, paths = 3, False, []
    args = list(args)
    while args:
        arg = args.pop(0)
        if arg == "--repeat":
            repeat = int(args.pop(0))
        elif arg == "--cells":
            per_cell = True
        else:
            paths.append(arg)
    paths = paths or sorted(str(p) for p in (ROOT / "lessons").glob("*.ipynb"))
    print(
        f"{'notebook':34s} {'est s':>6s} {'quiet s':>8s} {'best s':>7s} {'worst s':>8s} {'paused %':>9s}"
        f" {'kernel CPU s':>13s} {'peak MB':>8s} {'machine ms':>11s}"
    )
    with Hiccups() as hiccups:
        for path in paths:
            machine = reference_ms()
            runs = [run(path, hiccups) for _ in range(repeat)]
            walls = [sum(w for w, _ in cells) for cells, *_ in runs]
            best = min(range(repeat), key=walls.__getitem__)
            n_cells = len(runs[0][0])
            estimate = [min(r[0][i][0] - r[0][i][1] for r in runs) for i in range(n_cells)]
            quiet = sum(min(r[0][i][0] for r in runs) for i in range(n_cells))
            paused = 100 * sum(p for _, p in runs[best][0]) / walls[best]
            peak = max(r[2] for r in runs)
            flag = "  OVER BUDGET" if sum(estimate) > 20 or peak > 500 else ""
            print(
                f"{pathlib.Path(path).name:34s} {sum(estimate):6.2f} {quiet:8.2f} {walls[best]:7.2f}"
                f" {max(walls):8.2f} {paused:9.0f} {runs[best][1]:13.2f} {peak:8.0f} {machine:11.1f}{flag}",
                flush=True,
            )
            if per_cell:
                for index, (cell, seconds) in enumerate(zip(runs[best][3], estimate)):
                    if seconds > 0.5:
                        print(
                            f"    cell {index:3d} {seconds:6.2f} s  {cell.source.strip().splitlines()[0][:60]}",
                            flush=True,
                        )


if __name__ == "__main__":
    main(sys.argv[1:])
