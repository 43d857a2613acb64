"""Median time of one slider move of the SGD-convergence explorer (target < 100 ms):
``update`` alone (the recomputation), and ``update`` plus an Agg render of the figure."""
import time

import matplotlib
import numpy as np

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

from coursekit import data, widgets  # noqa: E402

x, y = data.linear_regression(n=50, seed=0)
explorer = widgets.sgd_convergence_explorer(x, y)
canvas = FigureCanvasAgg(explorer.fig)
canvas.draw()


def timed(render, **values):
    t0 = time.perf_counter()
    explorer.update(**values)
    if render:
        canvas.draw()
    return time.perf_counter() - t0


moves = [dict(lr=lr, schedule=s, batch_size=b) for lr in (0.003, 0.03, 0.15)
         for s in widgets.SGD_SCHEDULES for b in (1, 8, 50)]
upd = [timed(False, **m) for m in moves]
ren = [timed(True, **m) for m in moves]
print(f"sgd_convergence_explorer: median update {1e3 * np.median(upd):6.1f} ms, "
      f"update + render {1e3 * np.median(ren):6.1f} ms ({len(moves)} moves)")
