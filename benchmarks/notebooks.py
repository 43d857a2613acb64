"""Execute every lesson as the book does and report its time and peak memory.

Budget (DESIGN.md): each notebook under 20 s and 500 MB on a 2-core machine.
Run: .venv/bin/python benchmarks/notebooks.py [lessons/NN_name.ipynb ...]
The "machine ms" column is benchmarks/_machine.py's reference workload, timed just
before each notebook: about 16 ms on a quiet machine; read the seconds against it.
"""
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient

from _machine import reference_ms

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Appended to a copy of each notebook: the kernel's own peak resident set, in MB.
PEAK = "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"


def run(path):
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK))
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "lessons")}})
    with client.setup_kernel():
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells[:-1]):
            client.execute_cell(cell, index)
        seconds = time.perf_counter() - start
        client.execute_cell(nb.cells[-1], len(nb.cells) - 1)
    peak = float(nb.cells[-1].outputs[0]["text"])
    return seconds, peak


def main(paths):
    paths = paths or sorted(str(p) for p in (ROOT / "lessons").glob("*.ipynb"))
    print(f"{'notebook':40s} {'seconds':>8s} {'peak MB':>8s} {'machine ms':>11s}")
    for path in paths:
        machine = reference_ms()
        seconds, peak = run(path)
        flag = "  OVER BUDGET" if seconds > 20 or peak > 500 else ""
        print(f"{pathlib.Path(path).name:40s} {seconds:8.2f} {peak:8.0f} {machine:11.1f}{flag}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
