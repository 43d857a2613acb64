"""Median time of one move of the Adam explorer's sliders: the update (recompute and
set the lines' data), and separately rendering the figure to PNG, which is what the
notebook then displays (this depends on the machine's graphics speed, not on coursekit)."""
import io
import itertools
import statistics
import time

import matplotlib

matplotlib.use("Agg")

from coursekit import widgets


def main():
    explorer = widgets.adam_bias_explorer(max_steps=2000)
    c = explorer.controls
    moves = list(itertools.product(c["beta1"].options, c["beta2"].options, (0.0, 1.0, 5.0), (10, 1000, 2000)))
    update = []
    for beta1, beta2, noise, steps in moves:
        t0 = time.perf_counter()
        explorer.update(beta1=beta1, beta2=beta2, noise=noise, steps=steps)
        update.append(time.perf_counter() - t0)
    render = []
    for beta1, beta2, noise, steps in moves[::27]:
        explorer.update(beta1=beta1, beta2=beta2, noise=noise, steps=steps)
        t0 = time.perf_counter()
        explorer.fig.savefig(io.BytesIO(), format="png")
        render.append(time.perf_counter() - t0)
    print(f"adam_bias_explorer: median update {1e3 * statistics.median(update):.1f} ms over "
          f"{len(moves)} moves; median PNG render {1e3 * statistics.median(render):.0f} ms")


if __name__ == "__main__":
    main()
