"""Median time of one slider move of the universal-approximation explorer (target < 100 ms):
``update`` alone (the recomputation), and ``update`` plus an Agg render of the figure."""
import time

import matplotlib
import numpy as np

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

from coursekit import widgets  # noqa: E402

explorer = widgets.universal_approximation_explorer()
canvas = FigureCanvasAgg(explorer.fig)  # the explorer closed its figure; render it anyway
explorer.update()
canvas.draw()


def timed(render, **values):
    t0 = time.perf_counter()
    explorer.update(**values)
    if render:
        canvas.draw()
    return time.perf_counter() - t0


cases = {
    "n": [dict(n=n) for n in range(1, 65, 4)],
    "steepness (new curve)": [dict(steepness=s) for s in np.geomspace(1.1, 90, 12)],
    "target (cached curve)": [dict(target=t, steepness=10.0) for t in ["sine", "kink", "wiggle", "square root"] * 3],
}
for name, moves in cases.items():
    explorer.update(target="sine", n=8, steepness=10.0)
    upd = [timed(False, **m) for m in moves]
    explorer.update(target="sine", n=8, steepness=10.0)
    ren = [timed(True, **m) for m in moves]
    print(f"universal_approximation_explorer {name:22s}: median update {1e3 * np.median(upd):6.1f} ms,"
          f" update + render {1e3 * np.median(ren):6.1f} ms")
