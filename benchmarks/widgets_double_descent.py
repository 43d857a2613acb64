"""Median time of one slider move of the double-descent explorer (target < 100 ms):
``update`` alone (the recomputation), and ``update`` plus an Agg render of the figure."""
import time

import matplotlib
import numpy as np

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

from coursekit import data, widgets  # noqa: E402
from coursekit import random_features as rf  # noqa: E402

# The lesson's setting (lessons/07_double_descent.ipynb).
task = data.teacher_regression(n_train=150, n_test=300, d=5, seed=0)
feats = rf.RandomReLUFeatures(5, 1000, seed=1)
widths = np.unique(np.r_[np.arange(10, 200, 10), np.arange(200, 401, 50), np.arange(500, 1001, 100)])
t0 = time.perf_counter()
sweep = rf.WidthSweep(feats, task.X_train, task.X_test, widths)
explorer = widgets.double_descent_explorer(sweep, task.f_train, task.f_test)
print(f"double_descent_explorer: setup {time.perf_counter() - t0:.2f} s")
canvas = FigureCanvasAgg(explorer.fig)
canvas.draw()


def timed(render, **values):
    t0 = time.perf_counter()
    explorer.update(**values)
    if render:
        canvas.draw()
    return time.perf_counter() - t0


moves = [dict(noise=s, ridge=r, n=n) for s in (0.0, 0.5, 1.0) for r in (0.0, 1e-3, 1e-1)
         for n in (50, 100, 150)]
upd = [timed(False, **m) for m in moves]
ren = [timed(True, **m) for m in moves]
print(f"double_descent_explorer: median update {1e3 * np.median(upd):6.1f} ms, "
      f"update + render {1e3 * np.median(ren):6.1f} ms ({len(moves)} moves)")
