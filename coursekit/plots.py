"""Matplotlib figures for the lessons: data in, Axes out, no math.

Each function draws onto an ``ax`` it is given (or a new one) and returns it,
so lessons compose figures and explorers redraw the same Axes.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def _axes(ax=None, **subplot_kw):
    if ax is None:
        _, ax = plt.subplots(**subplot_kw)
    return ax


def contour_paths(landscape, trajectories: dict, extent, ax=None, levels=30, resolution=120):
    """Log-spaced contours of ``landscape`` over ``extent = (x0, x1, y0, y1)`` with
    the path of each :class:`~coursekit.landscapes.Trajectory` in ``trajectories``
    (label -> trajectory). A diverged run's label says where it diverged."""
    ax = _axes(ax, figsize=(5.5, 4.5))
    x0, x1, y0, y1 = extent
    a, b = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    z = landscape.value(np.stack([a, b], axis=-1))
    lo, hi = max(z.min(), 1e-12), z.max()
    ax.contour(a, b, z, levels=np.geomspace(lo, hi, levels), cmap="viridis", linewidths=0.7)
    for label, traj in trajectories.items():
        if traj.diverged:
            label = f"{label} (diverged at step {traj.diverged_at})"
        ax.plot(*visible_part(traj, extent).T, ".-", ms=3, lw=1, label=label)
    if landscape.minimizer is not None:
        ax.plot(*landscape.minimizer[:2], "k*", ms=10, label="minimum")
    ax.set(xlim=(x0, x1), ylim=(y0, y1))
    if trajectories:
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
    return ax


def visible_part(traj, extent):
    """The points of a trajectory to draw. A diverged path stops at its first
    point outside ``extent`` (kept, so the line heads out of the frame) instead
    of running off to 1e30; a converging one is drawn whole."""
    path = traj.path[:, :2]
    if not traj.diverged:
        return path
    x0, x1, y0, y1 = extent
    outside = (path[:, 0] < x0) | (path[:, 0] > x1) | (path[:, 1] < y0) | (path[:, 1] > y1)
    stop = np.argmax(outside) + 1 if outside.any() else len(path)
    return path[:stop]


def loss_curves(trajectories: dict, ax=None, minimum: float = 0.0):
    """The loss gap ``J(theta_k) - minimum`` against step k, on a log scale."""
    ax = _axes(ax, figsize=(5, 3.5))
    for label, traj in trajectories.items():
        gap = np.maximum(traj.losses - minimum, 1e-16)
        if traj.diverged:
            label = f"{label} (diverged at step {traj.diverged_at})"
        ax.semilogy(np.arange(len(gap)), gap, label=label)
    ax.set(xlabel="step $k$", ylabel=r"$J(\theta_k) - J(\theta^\star)$")
    ax.legend(fontsize=8)
    return ax


def regression_lines(x, y, thetas: dict, ax=None):
    """The data as points and each ``theta = (intercept, slope)`` as a line."""
    ax = _axes(ax, figsize=(5, 3.5))
    ax.scatter(x, y, s=12, color="0.4", label="data")
    grid = np.linspace(np.min(x), np.max(x), 2)
    for label, theta in thetas.items():
        ax.plot(grid, theta[0] + theta[1] * grid, label=label)
    ax.set(xlabel="$x$", ylabel="$y$")
    ax.legend(fontsize=8)
    return ax


# --- Adam's bias correction ------------------------------------------------
def ema_weights(weights: dict, ax=None):
    """The weight each past gradient carries in a moving average: ``weights`` maps
    a label to ``w_1, ..., w_t`` (the weight of ``g_i``), drawn against ``i``."""
    ax = _axes(ax, figsize=(5, 3.5))
    for label, w in weights.items():
        w = np.asarray(w)
        ax.plot(np.arange(1, len(w) + 1), w, drawstyle="steps-mid", label=label)
    ax.set(xlabel="gradient index $i$", ylabel="weight of $g_i$")
    ax.legend(fontsize=8)
    return ax


def adam_steps(t, steps: dict, ax=None, reference: dict | None = None, logx: bool = False,
               ylabel=r"step per unit rate $-\Delta\theta_t / \eta$"):
    """Curves against the step ``t`` (label -> values), with dashed horizontal
    lines for ``reference`` (label -> value); a log ``t`` axis with ``logx``."""
    ax = _axes(ax, figsize=(5, 3.5))
    for label, values in steps.items():
        ax.plot(t, values, lw=1.2, label=label)
    for i, (label, value) in enumerate((reference or {}).items()):
        ax.axhline(value, color=f"{0.1 + 0.3 * i:.1f}", ls="--", lw=1, label=label)
    ax.set(xlabel="step $t$", ylabel=ylabel, xscale="log" if logx else "linear")
    ax.legend(fontsize=8)
    return ax
