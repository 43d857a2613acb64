"""ipywidgets explorers: sliders wired to coursekit's math and plots (no math here).

Every explorer is an :class:`Explorer`. Its ``update(**values)`` recomputes and
redraws for one setting of the controls; the sliders call it, and so do the
tests (over the sliders' ranges) and the benchmarks (to time a slider move).
"""
from __future__ import annotations

from typing import Callable

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display


class Explorer:
    """A figure redrawn by ``update`` whenever a control moves.

    ``draw(fig, **values)`` redraws ``fig`` for the given control values;
    ``controls`` maps each keyword of ``draw`` to its widget.
    """

    def __init__(self, fig, draw: Callable, controls: dict[str, W.ValueWidget]):
        self.fig = fig
        self._draw = draw
        self.controls = controls
        self.output = W.Output()
        for widget in controls.values():
            widget.observe(self._on_change, names="value")
        plt.close(fig)  # shown through self.output only, never twice

    @property
    def values(self) -> dict:
        return {name: w.value for name, w in self.controls.items()}

    def update(self, **values):
        """Redraw for ``values`` (missing ones are read from the controls) and
        return what ``draw`` returned (its computed result, for tests)."""
        return self._draw(self.fig, **{**self.values, **values})

    def _on_change(self, _change):
        self.update()
        with self.output:
            self.output.clear_output(wait=True)
            display(self.fig)

    @property
    def ui(self):
        self._on_change(None)
        return W.VBox([W.HBox(list(self.controls.values())), self.output])

    def _ipython_display_(self):
        display(self.ui)


def gradient_descent_explorer(landscape, extent, theta0=(0.0, 0.0), lr_range=(1e-3, 1.0),
                              max_steps: int = 200) -> Explorer:
    """Gradient descent on a 2-D ``landscape``: learning rate, number of steps and
    start point as sliders; contours with the path on the left, the loss gap on the right."""
    from . import plots
    from .landscapes import gradient_descent

    fig, (ax_path, ax_loss) = plt.subplots(1, 2, figsize=(10, 4))
    x0, x1, y0, y1 = extent
    controls = {
        "lr": W.FloatLogSlider(value=0.1, base=10, min=np.log10(lr_range[0]),
                               max=np.log10(lr_range[1]), step=0.05, description="η (rate)"),
        "steps": W.IntSlider(value=50, min=1, max=max_steps, description="steps"),
        "start_x": W.FloatSlider(value=theta0[0], min=x0, max=x1, step=0.1, description="θ₀[0]"),
        "start_y": W.FloatSlider(value=theta0[1], min=y0, max=y1, step=0.1, description="θ₀[1]"),
    }
    # The contours never change: draw them once, then only move the path's line.
    plots.contour_paths(landscape, {}, extent, ax=ax_path)
    (path_line,) = ax_path.plot([], [], "r.-", ms=3, lw=1)
    status = ax_path.set_title("")

    def draw(fig, lr, steps, start_x, start_y):
        traj = gradient_descent(landscape, [start_x, start_y], lr, steps)
        path_line.set_data(traj.path[:, 0], traj.path[:, 1])
        status.set_text(f"η = {lr:.3g}: {traj.reason}")
        ax_loss.clear()
        plots.loss_curves({f"η = {lr:.3g}": traj}, ax=ax_loss, minimum=landscape.minimum)
        ax_loss.set_xlim(0, steps)
        return traj

    return Explorer(fig, draw, controls)
