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


def adam_bias_explorer(max_steps: int = 1000, signal: float = 1.0, seed: int = 0) -> Explorer:
    """Adam's moments over a noisy gradient stream ``g_t = signal + noise * xi_t``
    (``xi_t`` standard normal, drawn once): sliders for beta1, beta2, the noise and
    the number of steps. Left: the stream, m_t and m^_t, sqrt(v_t) and sqrt(v^_t);
    right: Adam's step per unit rate with and without the bias correction, and the
    stationary limit E g / sqrt(E g^2). ``update`` returns ``{"t", "g", "moments",
    "corrected", "uncorrected", "limit"}``."""
    from . import moments, plots

    if int(max_steps) != max_steps or max_steps < 10:
        raise ValueError(f"max_steps must be an integer >= 10, got {max_steps!r}")
    xi = np.random.default_rng(seed).standard_normal(int(max_steps))  # one noise draw, rescaled by the slider
    fig, (ax_m, ax_u) = plt.subplots(1, 2, figsize=(11, 4))
    controls = {
        "beta1": W.SelectionSlider(options=[0.0, 0.5, 0.8, 0.9, 0.95, 0.99], value=0.9, description="β₁"),
        "beta2": W.SelectionSlider(options=[0.9, 0.99, 0.995, 0.999, 0.9999], value=0.999, description="β₂"),
        "noise": W.FloatSlider(value=1.0, min=0.0, max=5.0, step=0.1, description="noise σ"),
        "steps": W.IntSlider(value=min(200, int(max_steps)), min=10, max=int(max_steps), step=10,
                             description="steps"),
    }
    # Lines are drawn once; a slider move only replaces their data.
    empty = np.zeros(0)
    (g_pts,) = ax_m.plot(empty, empty, ".", ms=2, color="0.6", label="$g_t$")
    plots.adam_steps(empty, {"$m_t$": empty, r"$\hat m_t$": empty,
                             r"$\sqrt{v_t}$": empty, r"$\sqrt{\hat v_t}$": empty},
                     ax=ax_m, ylabel="moment estimate")
    lines_m = ax_m.get_lines()[1:]
    for line, style in zip(lines_m, ["--", "-", "--", "-"]):
        line.set_linestyle(style)
    plots.adam_steps(empty, {"corrected": empty, "uncorrected": empty},
                     reference={r"limit $\mathbb{E}g/\sqrt{\mathbb{E}g^2}$": 1.0}, ax=ax_u)
    line_c, line_u, line_ref = ax_u.get_lines()
    ax_m.legend(fontsize=8, loc="upper right")
    title = ax_u.set_title("", fontsize=10)

    def draw(fig, beta1, beta2, noise, steps):
        t = np.arange(1, steps + 1)
        g = signal + noise * xi[:steps]
        mo = moments.adam_moments(g, (beta1, beta2))
        corrected = moments.adam_step(g, (beta1, beta2))
        uncorrected = moments.adam_step(g, (beta1, beta2), correct_m=False, correct_v=False)
        limit = moments.stationary_step(signal, noise)
        g_pts.set_data(t, g)
        for line, y in zip(lines_m, (mo.m, mo.m_hat, np.sqrt(mo.v), np.sqrt(mo.v_hat))):
            line.set_data(t, y)
        line_c.set_data(t, corrected)
        line_u.set_data(t, uncorrected)
        line_ref.set_ydata([limit, limit])
        lo, hi = np.percentile(g, [1, 99])
        ax_m.set(xlim=(0, steps), ylim=(min(lo, 0.0) - 0.1, max(hi, np.sqrt(mo.v_hat).max()) + 0.1))
        top = max(np.abs(uncorrected).max(), np.abs(corrected).max(), 1.0)
        ax_u.set(xlim=(0, steps), ylim=(min(corrected.min(), uncorrected.min(), 0.0) - 0.1, 1.05 * top))
        title.set_text(f"mean corrected step {corrected.mean():.2f}, limit {limit:.2f}")
        return {"t": t, "g": g, "moments": mo, "corrected": corrected,
                "uncorrected": uncorrected, "limit": limit}

    return Explorer(fig, draw, controls)
