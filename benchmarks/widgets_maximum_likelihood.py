"""Median time of one slider move of the maximum-likelihood explorer (target < 100 ms):
``update`` alone (the recomputation), and ``update`` plus an Agg render of the figure."""
import time

import matplotlib
import numpy as np

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

from coursekit import widgets  # noqa: E402

rng = np.random.default_rng(0)
explorer = widgets.maximum_likelihood_explorer(rng.normal(2.0, 1.5, 60),
                                               (rng.uniform(size=40) < 0.3).astype(float))
canvas = FigureCanvasAgg(explorer.fig)  # the explorer closed its figure; render it anyway
canvas.draw()


def timed(render, **values):
    t0 = time.perf_counter()
    explorer.update(**values)
    if render:
        canvas.draw()
    return time.perf_counter() - t0


cases = [("Gaussian", "mu", np.linspace(0, 4, 15)),
         ("Gaussian", "sigma", np.linspace(0.5, 3, 15)),
         ("Bernoulli", "p", np.linspace(0.05, 0.95, 15))]
for model, key, values in cases:
    explorer.update(model=model)
    upd = [timed(False, model=model, **{key: v}) for v in values]
    ren = [timed(True, model=model, **{key: v}) for v in values]
    print(f"maximum_likelihood_explorer {model:9s} {key:5s}: median update {1e3 * np.median(upd):6.1f} ms,"
          f" update + render {1e3 * np.median(ren):6.1f} ms")
upd = [timed(False, model=m) for m in ["Bernoulli", "Gaussian"] * 4]
ren = [timed(True, model=m) for m in ["Bernoulli", "Gaussian"] * 4]
print(f"maximum_likelihood_explorer model switch     : median update {1e3 * np.median(upd):6.1f} ms,"
      f" update + render {1e3 * np.median(ren):6.1f} ms")
