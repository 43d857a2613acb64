"""Time a slider move of the gradient-descent explorer (target: < 100 ms).

The update recomputes the run and redraws the figure, as a slider move does.
"""
import statistics
import time

import matplotlib

matplotlib.use("Agg")

from coursekit import data, landscapes, widgets  # noqa: E402

x, y = data.linear_regression(n=50, seed=0)
J = landscapes.LeastSquares(data.design_matrix(x), y)
explorer = widgets.gradient_descent_explorer(J, extent=(-5, 4, -5, 5), theta0=(2.5, -4.0))

times = []
for lr in (0.01, 0.1, 0.3, 0.33, 1.0):
    for steps in (1, 100, 200):
        t = time.perf_counter()
        explorer.update(lr=lr, steps=steps, start_x=2.5, start_y=-4.0)
        explorer.fig.canvas.draw()      # what the reader waits for: recompute + render
        times.append(time.perf_counter() - t)
print(f"gradient-descent explorer: median {1e3 * statistics.median(times):.1f} ms, "
      f"max {1e3 * max(times):.1f} ms per slider move ({len(times)} moves)")
