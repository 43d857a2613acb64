"""Chapter 01, gradient descent: its explorer and the figures only this chapter draws (no math here).

The math is in :mod:`coursekit`'s modules; shared drawing primitives in
:mod:`coursekit.plots`; the explorer mechanism in :mod:`coursekit.explorer`.
"""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from ..explorer import Explorer
from ..plots import new_axes


def loss_curves(trajectories: dict, ax=None, minimum: float = 0.0):
    """The loss gap ``J(theta_k) - minimum`` against step k, on a log scale."""
    ax = new_axes(ax, figsize=(5, 3.5))
    for label, traj in trajectories.items():
        gap = loss_gap(traj, minimum)
        if traj.diverged:
            label = f"{label} (diverged at step {traj.diverged_at})"
        ax.semilogy(np.arange(len(gap)), gap, label=label)
    ax.set(xlabel="step $k$", ylabel=r"$J(\theta_k) - J(\theta^\star)$")
    ax.legend(fontsize=8)
    return ax


def loss_gap(traj, minimum: float = 0.0) -> np.ndarray:
    """``J(theta_k) - minimum`` for k = 0, 1, ..., floored at 1e-16 for a log scale."""
    return np.maximum(traj.losses - minimum, 1e-16)


def gradient_descent_explorer(
    landscape, extent, theta0=(0.0, 0.0), lr_range=(1e-3, 1.0), max_steps: int = 200
) -> Explorer:
    """Gradient descent on a 2-D ``landscape``: learning rate, number of steps and
    start point as sliders; contours with the path on the left, the loss gap on the right."""
    from .. import plots
    from ..landscapes import gradient_descent

    fig, (ax_path, ax_loss) = plt.subplots(1, 2, figsize=(10, 4))
    x0, x1, y0, y1 = extent
    controls = {
        "lr": W.FloatLogSlider(
            value=0.1, base=10, min=np.log10(lr_range[0]), max=np.log10(lr_range[1]), step=0.05, description="η (rate)"
        ),
        "steps": W.IntSlider(value=50, min=1, max=max_steps, description="steps"),
        "start_x": W.FloatSlider(value=theta0[0], min=x0, max=x1, step=0.1, description="θ₀[0]"),
        "start_y": W.FloatSlider(value=theta0[1], min=y0, max=y1, step=0.1, description="θ₀[1]"),
    }
    # The contours and axes never change: draw them once, then only move the lines
    # (clearing the log axis each move rebuilt its ticks: most of a move's time).
    plots.contour_paths(landscape, {}, extent, ax=ax_path)
    (path_line,) = ax_path.plot([], [], "r.-", ms=3, lw=1)
    status = ax_path.set_title("")
    (gap_line,) = ax_loss.semilogy([0], [1])
    ax_loss.set(xlabel="step $k$", ylabel=r"$J(\theta_k) - J(\theta^\star)$")

    def draw(fig, lr, steps, start_x, start_y):
        traj = gradient_descent(landscape, [start_x, start_y], lr, steps)
        path_line.set_data(*plots.visible_part(traj, extent).T)
        status.set_text(f"η = {lr:.3g}: {traj.reason}")
        gap = loss_gap(traj, landscape.minimum)
        gap_line.set_data(np.arange(len(gap)), gap)
        ax_loss.set(xlim=(0, steps), ylim=(gap.min() / 3, gap.max() * 3))
        return traj

    return Explorer(fig, draw, controls)
