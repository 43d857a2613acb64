"""Chapter 11, Newton's method and L-BFGS: its explorer and the figures only this chapter draws (no math here).

The math is in :mod:`coursekit`'s modules; shared drawing primitives in
:mod:`coursekit.plots`; the explorer mechanism in :mod:`coursekit.explorer`.
"""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from ..explorer import Explorer
from ..plots import new_axes


def error_curves(curves: dict, ax=None, xlabel=r"iteration $t$", ylabel=r"$\|\theta_t - \theta^\star\|$", floor=1e-16):
    """Errors on a log scale: ``label -> errors`` (against 0, 1, 2, ...) or
    ``label -> (x, errors)`` (e.g. against gradient evaluations). Errors below
    ``floor`` (exact zeros) are drawn at ``floor``."""
    ax = new_axes(ax, figsize=(5, 3.5))
    for label, curve in curves.items():
        x, err = curve if isinstance(curve, tuple) else (np.arange(len(curve)), curve)
        ax.semilogy(x, np.maximum(np.asarray(err, dtype=float), floor), ".-", ms=3, lw=1, label=label)
    ax.set(xlabel=xlabel, ylabel=ylabel)
    if curves:
        ax.legend(fontsize=8)
    return ax


def second_order_explorer(landscape=None, extent=(-2.0, 2.0, -1.0, 3.0), theta0=(-1.2, 1.0)) -> Explorer:
    """Newton, damped Newton, L-BFGS (memory ``m``) and GD on a 2-D landscape
    (Rosenbrock by default): method, start point and ``m`` as controls; the path
    on the contours (left) and the error ``|theta_t - theta*|`` on a log scale
    (right). ``update`` returns ``{"trajectory", "error"}``."""
    from .. import plots
    from ..landscapes import Rosenbrock
    from ..second_order import METHODS, run_method

    landscape = Rosenbrock() if landscape is None else landscape
    x0, x1, y0, y1 = extent
    fig, (ax_path, ax_err) = plt.subplots(1, 2, figsize=(10, 4))
    controls = {
        "method": W.Dropdown(options=list(METHODS), value="Newton", description="method"),
        "start_x": W.FloatSlider(value=theta0[0], min=x0, max=x1, step=0.2, description="θ₀[0]"),
        "start_y": W.FloatSlider(value=theta0[1], min=y0, max=y1, step=0.2, description="θ₀[1]"),
        "m": W.SelectionSlider(options=[1, 2, 3, 5, 10, 20], value=10, description="m (L-BFGS)"),
    }
    plots.contour_paths(landscape, {}, extent, ax=ax_path)
    (path_line,) = ax_path.plot([], [], "r.-", ms=3, lw=1)
    (start_dot,) = ax_path.plot([], [], "ro", ms=6)
    title = ax_path.set_title("", fontsize=10)
    error_curves({}, ax=ax_err)
    (err_line,) = ax_err.semilogy([], [], "r.-", ms=3, lw=1)
    ax_err.set_ylim(1e-16, 1e3)

    def draw(fig, method, start_x, start_y, m):
        traj = run_method(method, landscape, [start_x, start_y], m=m)
        error = np.linalg.norm(traj.path - landscape.minimizer, axis=1)
        path_line.set_data(*plots.visible_part(traj, extent).T)
        start_dot.set_data([start_x], [start_y])
        err_line.set_data(np.arange(len(error)), np.maximum(error, 1e-16))
        ax_err.set_xlim(0, max(len(error) - 1, 1))
        name = f"L-BFGS, m = {m}" if method == "L-BFGS" else method
        title.set_text(f"{name}: {traj.reason}")
        return {"trajectory": traj, "error": error}

    return Explorer(fig, draw, controls)
