"""Matplotlib figures for the lessons: data in, Axes out, no math.

Each function draws onto an ``ax`` it is given (or a new one) and returns it,
so lessons compose figures and explorers redraw the same Axes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def new_axes(ax=None, **subplot_kw):
    if ax is None:
        _, ax = plt.subplots(**subplot_kw)
    return ax


def contour_paths(landscape, trajectories: dict, extent, ax=None, levels=30, resolution=120):
    """Log-spaced contours of ``landscape`` over ``extent = (x0, x1, y0, y1)`` with
    the path of each :class:`~coursekit.landscapes.Trajectory` in ``trajectories``
    (label -> trajectory). A diverged run's label says where it diverged."""
    ax = new_axes(ax, figsize=(5.5, 4.5))
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


def regression_lines(x, y, thetas: dict, ax=None):
    """The data as points and each ``theta = (intercept, slope)`` as a line."""
    ax = new_axes(ax, figsize=(5, 3.5))
    ax.scatter(x, y, s=12, color="0.4", label="data")
    grid = np.linspace(np.min(x), np.max(x), 2)
    for label, theta in thetas.items():
        ax.plot(grid, theta[0] + theta[1] * grid, label=label)
    ax.set(xlabel="$x$", ylabel="$y$")
    ax.legend(fontsize=8)
    return ax


def step_losses(curves: dict, ax=None, ylabel="minibatch loss", logy: bool = False):
    """Per labelled setting, one thin line per run: ``curves[label]`` has shape
    ``(runs, steps)`` (step 1 first); all runs of a label share a colour."""
    ax = new_axes(ax, figsize=(5, 3.5))
    for i, (label, runs) in enumerate(curves.items()):
        runs = np.atleast_2d(np.asarray(runs, dtype=float))
        steps = np.arange(1, runs.shape[1] + 1)
        for j, run in enumerate(runs):
            ax.plot(steps, run, color=f"C{i}", lw=0.9, alpha=0.8, label=label if j == 0 else None)
    if logy:
        ax.set_yscale("log")
    ax.set(xlabel="step", ylabel=ylabel)
    if curves:
        ax.legend(fontsize=8)
    return ax
