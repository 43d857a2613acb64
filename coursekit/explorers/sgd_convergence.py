"""Chapter 06, why stochastic gradient descent converges: its explorer and the figures only this chapter draws (no math here).

The math is in :mod:`coursekit`'s modules; shared drawing primitives in
:mod:`coursekit.plots`; the explorer mechanism in :mod:`coursekit.explorer`.
"""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from ..explorer import Explorer
from ..plots import new_axes


def confusion_region(w, curves: dict, region, ax=None):
    """Loss curves over a 1-D parameter ``w`` (label -> values) with the region of
    confusion ``region = (lo, hi)`` shaded."""
    ax = new_axes(ax, figsize=(5, 3.5))
    for label, values in curves.items():
        ax.plot(w, values, lw=2.5 if "$F" in label else 1, label=label)
    ax.axvspan(*region, color="orange", alpha=0.2, label="region of confusion")
    ax.set(xlabel="$w$", ylabel="loss")
    ax.legend(fontsize=8, loc="upper center")
    return ax


def gaps_and_bounds(curves: dict, bounds: dict | None = None, ax=None, ylabel=r"$\mathbb{E}\,F(\bar x_k) - F^\star$"):
    """Measured gaps (label -> values at k = 0, 1, ...) as solid lines and their bounds
    (same labels, same colours) dashed, on log-log axes over step k + 1."""
    ax = new_axes(ax, figsize=(5.5, 3.8))
    bounds = bounds or {}
    for label, values in curves.items():
        i = _log_index(len(values))
        (line,) = ax.loglog(i + 1, np.maximum(np.asarray(values)[i], 1e-300), lw=1.2, label=label)
        if label in bounds:
            j = _log_index(len(bounds[label]))
            ax.loglog(j + 1, np.asarray(bounds[label])[j], "--", lw=1, color=line.get_color(), label=f"bound, {label}")
    ax.set(xlabel="step $k+1$", ylabel=ylabel)
    ax.legend(fontsize=7, loc="lower left")
    return ax


def iterate_paths(paths: dict, region=None, target=None, ax=None):
    """Iterates :math:`w_k` against k (label -> 1-D array), with the region of
    confusion shaded and the minimizer ``target`` as a dotted line."""
    ax = new_axes(ax, figsize=(5, 3.5))
    for label, path in paths.items():
        ax.plot(np.arange(len(path)), path, lw=0.8, label=label)
    if region is not None:
        ax.axhspan(*region, color="orange", alpha=0.2, label="region of confusion")
    if target is not None:
        ax.axhline(target, color="k", ls=":", lw=1)
    ax.set(xlabel="step $k$", ylabel="$w_k$")
    ax.legend(fontsize=8, loc="lower right")
    return ax


def partial_sum_curves(sums: dict, ax=None, ylabel=r"$\sum_{t<T}\alpha_t$"):
    """Partial sums (label -> values at T = 1, 2, ...) on log-log axes."""
    ax = new_axes(ax, figsize=(5, 3.5))
    for label, values in sums.items():
        i = _log_index(len(values))
        ax.loglog(i + 1, np.asarray(values)[i], label=label)
    ax.set(xlabel="$T$", ylabel=ylabel)
    ax.legend(fontsize=8, loc="upper left")
    return ax


def step_tradeoff(h, bounds: dict, optima: dict, ax=None):
    """The constant-step bound against the step h (label -> values over ``h``), log-log,
    with each optimum ``optima[label] = (h_star, value)`` marked."""
    ax = new_axes(ax, figsize=(5, 3.5))
    for label, values in bounds.items():
        (line,) = ax.loglog(h, values, label=label)
        ax.loglog(*optima[label], "o", color=line.get_color())
    ax.set(xlabel="constant step $h$", ylabel="bound")
    ax.legend(fontsize=8, loc="upper center")
    return ax


# --- SGD convergence ----------------------------------------------------------
def variance_vs_batch(batch_sizes, measured: dict, exact: dict, ax=None):
    """Minibatch-gradient variance against batch size, log-log: ``measured`` (label ->
    values) as markers, ``exact`` (label -> values) as lines in the same colours.
    A variance of zero (the full batch drawn without replacement) has no place on a
    log axis: it is left out and noted in the corner."""
    ax = new_axes(ax, figsize=(5, 3.5))
    batch_sizes = np.asarray(batch_sizes)
    scale = max(np.max(e) for e in exact.values())
    zero_at = set()
    for (label, m), (elabel, e) in zip(measured.items(), exact.items()):
        e, m = np.asarray(e, dtype=float), np.asarray(m, dtype=float)
        keep = e > 1e-12 * scale  # zero up to round-off
        zero_at.update(batch_sizes[~keep].tolist())
        (line,) = ax.loglog(batch_sizes[keep], e[keep], "-", lw=1, label=elabel)
        ax.loglog(batch_sizes[keep], m[keep], "o", ms=4, color=line.get_color(), label=label)
    if zero_at:
        sizes = ", ".join(str(b) for b in sorted(zero_at))
        ax.text(
            0.98,
            0.98,
            f"variance 0 at $B$ = {sizes}\n(not drawn)",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=8,
        )
    ax.set(xlabel="batch size $B$", ylabel=r"$\mathbb{E}\,\|g_B - \nabla F\|^2$")
    ax.legend(fontsize=8, loc="lower left")
    return ax


def parameter_paths(grid_a, grid_b, values, paths, minimizer=None, ax=None, levels=20):
    """Log-spaced contours of ``values`` (over the meshgrid ``grid_a, grid_b``) with 2-D
    parameter ``paths`` (array of shape ``(runs, K+1, 2)``) on top."""
    ax = new_axes(ax, figsize=(5, 4))
    lo, hi = max(np.min(values), 1e-12), np.max(values)
    ax.contour(grid_a, grid_b, values, levels=np.geomspace(lo, hi, levels), cmap="viridis", linewidths=0.6)
    for path in paths:
        ax.plot(path[:, 0], path[:, 1], "-", lw=0.6, alpha=0.8)
    if minimizer is not None:
        ax.plot(*minimizer[:2], "k*", ms=10)
    ax.set(xlim=(grid_a.min(), grid_a.max()), ylim=(grid_b.min(), grid_b.max()))
    return ax


def _log_index(length: int, points: int = 300):
    """About ``points`` indices into ``range(length)``, evenly spaced on a log axis
    (a long curve on log-log axes looks the same and draws much faster)."""
    if length <= points:
        return np.arange(length)
    return np.unique(np.geomspace(1, length, points).astype(int)) - 1


# --- SGD convergence ----------------------------------------------------------
#: the step-size schedules of the SGD explorer (decays start after about ``SGD_T0`` steps)
SGD_SCHEDULES = ("constant", "1/√t", "1/t")
SGD_T0 = 30.0


def sgd_schedule(name: str, lr: float):
    """The explorer's schedule ``name`` with base rate ``lr``: constant η0,
    η0/√(1 + t/t0) or η0/(1 + t/t0), with t0 = ``SGD_T0``."""
    from .. import schedules

    if name == "constant":
        return schedules.ConstantLR(lr, factor=1.0, total_iters=0)
    if name == "1/√t":
        return schedules.InverseTimeLR(lr, t0=SGD_T0, power=0.5)
    if name == "1/t":
        return schedules.InverseTimeLR(lr, t0=SGD_T0, power=1.0)
    raise ValueError(f"name must be one of {SGD_SCHEDULES}, got {name!r}")


def sgd_convergence_explorer(
    x, y, x0=(2.0, -1.0), steps: int = 300, runs: int = 100, seed: int = 0, paths: int = 5
) -> Explorer:
    """Minibatch SGD fitting a line to ``(x, y)`` (least squares, parameters
    (intercept, slope)), ``runs`` seeded runs from ``x0``: step size η0, schedule
    (:func:`sgd_schedule`) and batch size as controls. Left: a few paths over
    the loss contours; right: the mean loss gap of the last and of the averaged iterate."""
    from ..data import design_matrix
    from ..sgd_theory import FiniteSum, sgd_runs

    problem = FiniteSum(design_matrix(x), y)
    n = problem.n
    sizes = sorted({b for b in (1, 2, 4, 8, 16, 32, 64, 128) if b < n} | {n})
    controls = {
        "lr": W.FloatLogSlider(value=0.05, base=10, min=-3, max=np.log10(0.15), step=0.05, description="η0 (step)"),
        "schedule": W.Dropdown(options=list(SGD_SCHEDULES), value="constant", description="schedule"),
        "batch_size": W.SelectionSlider(options=sizes, value=sizes[0], description="batch B"),
    }
    fig, (ax_path, ax_gap) = plt.subplots(1, 2, figsize=(10, 4))
    # The contours never change: draw them once, then move only the paths' lines.
    xs = problem.minimizer
    a, b = np.meshgrid(np.linspace(xs[0] - 3.5, xs[0] + 3.5, 80), np.linspace(xs[1] - 3.5, xs[1] + 3.5, 80))
    parameter_paths(a, b, problem.value(np.stack([a, b], axis=-1)), [], minimizer=xs, ax=ax_path)
    lines = [ax_path.plot([], [], "-", lw=0.7)[0] for _ in range(paths)]
    ax_path.set(xlabel="intercept", ylabel="slope")
    title = ax_path.set_title("", fontsize=10)
    k = np.arange(1, steps + 2)
    gaps_and_bounds(
        {r"$\mathbb{E}F(x_k)-F^\star$": np.ones(steps), r"$\mathbb{E}F(\bar x_k)-F^\star$": np.ones(steps)},
        ax=ax_gap,
        ylabel=f"mean gap ({runs} runs)",
    )
    gap_line, avg_line = ax_gap.get_lines()
    ax_gap.set_xlim(1, steps)
    fig.subplots_adjust(wspace=0.3)

    def draw(fig, lr, schedule, batch_size):
        rates = sgd_schedule(schedule, lr)(np.arange(steps))
        result = sgd_runs(
            problem, x0, rates, batch_size=batch_size, runs=runs, replace=False, seed=seed, keep_paths=paths
        )
        for line, path in zip(lines, result.paths):
            line.set_data(path[:, 0], path[:, 1])
        title.set_text(f"{schedule}, η0 = {lr:.3g}, B = {batch_size}")
        # Move the two curves instead of clearing the Axes (rebuilding them is slow).
        gap_line.set_data(k[:-1], np.maximum(result.gap[:-1], 1e-300))
        avg_line.set_data(k[:-1], np.maximum(result.gap_avg, 1e-300))
        both = np.concatenate([result.gap[:-1], result.gap_avg])
        both = both[np.isfinite(both) & (both > 0)]
        if both.size:
            ax_gap.set_ylim(max(both.min(), 1e-12) / 1.5, both.max() * 1.5)
        return result

    return Explorer(fig, draw, controls)
