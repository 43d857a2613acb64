"""Matplotlib figures for the lessons: data in, Axes out, no math.

Each function draws onto an ``ax`` it is given (or a new one) and returns it,
so lessons compose figures and explorers redraw the same Axes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker
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


def loss_gap(traj, minimum: float = 0.0) -> np.ndarray:
    """``J(theta_k) - minimum`` for k = 0, 1, ..., floored at 1e-16 for a log scale."""
    return np.maximum(traj.losses - minimum, 1e-16)


def loss_curves(trajectories: dict, ax=None, minimum: float = 0.0):
    """The loss gap ``J(theta_k) - minimum`` against step k, on a log scale."""
    ax = _axes(ax, figsize=(5, 3.5))
    for label, traj in trajectories.items():
        gap = loss_gap(traj, minimum)
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


def adam_steps(
    t,
    steps: dict,
    ax=None,
    reference: dict | None = None,
    logx: bool = False,
    ylabel=r"step per unit rate $-\Delta\theta_t / \eta$",
):
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


# --- SGD convergence ----------------------------------------------------------
def variance_vs_batch(batch_sizes, measured: dict, exact: dict, ax=None):
    """Minibatch-gradient variance against batch size, log-log: ``measured`` (label ->
    values) as markers, ``exact`` (label -> values) as lines in the same colours.
    A variance of zero (the full batch drawn without replacement) has no place on a
    log axis: it is left out and noted in the corner."""
    ax = _axes(ax, figsize=(5, 3.5))
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


def confusion_region(w, curves: dict, region, ax=None):
    """Loss curves over a 1-D parameter ``w`` (label -> values) with the region of
    confusion ``region = (lo, hi)`` shaded."""
    ax = _axes(ax, figsize=(5, 3.5))
    for label, values in curves.items():
        ax.plot(w, values, lw=2.5 if "$F" in label else 1, label=label)
    ax.axvspan(*region, color="orange", alpha=0.2, label="region of confusion")
    ax.set(xlabel="$w$", ylabel="loss")
    ax.legend(fontsize=8, loc="upper center")
    return ax


def iterate_paths(paths: dict, region=None, target=None, ax=None):
    """Iterates :math:`w_k` against k (label -> 1-D array), with the region of
    confusion shaded and the minimizer ``target`` as a dotted line."""
    ax = _axes(ax, figsize=(5, 3.5))
    for label, path in paths.items():
        ax.plot(np.arange(len(path)), path, lw=0.8, label=label)
    if region is not None:
        ax.axhspan(*region, color="orange", alpha=0.2, label="region of confusion")
    if target is not None:
        ax.axhline(target, color="k", ls=":", lw=1)
    ax.set(xlabel="step $k$", ylabel="$w_k$")
    ax.legend(fontsize=8, loc="lower right")
    return ax


def _log_index(length: int, points: int = 300):
    """About ``points`` indices into ``range(length)``, evenly spaced on a log axis
    (a long curve on log-log axes looks the same and draws much faster)."""
    if length <= points:
        return np.arange(length)
    return np.unique(np.geomspace(1, length, points).astype(int)) - 1


def gaps_and_bounds(curves: dict, bounds: dict | None = None, ax=None, ylabel=r"$\mathbb{E}\,F(\bar x_k) - F^\star$"):
    """Measured gaps (label -> values at k = 0, 1, ...) as solid lines and their bounds
    (same labels, same colours) dashed, on log-log axes over step k + 1."""
    ax = _axes(ax, figsize=(5.5, 3.8))
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


def partial_sum_curves(sums: dict, ax=None, ylabel=r"$\sum_{t<T}\alpha_t$"):
    """Partial sums (label -> values at T = 1, 2, ...) on log-log axes."""
    ax = _axes(ax, figsize=(5, 3.5))
    for label, values in sums.items():
        i = _log_index(len(values))
        ax.loglog(i + 1, np.asarray(values)[i], label=label)
    ax.set(xlabel="$T$", ylabel=ylabel)
    ax.legend(fontsize=8, loc="upper left")
    return ax


def step_tradeoff(h, bounds: dict, optima: dict, ax=None):
    """The constant-step bound against the step h (label -> values over ``h``), log-log,
    with each optimum ``optima[label] = (h_star, value)`` marked."""
    ax = _axes(ax, figsize=(5, 3.5))
    for label, values in bounds.items():
        (line,) = ax.loglog(h, values, label=label)
        ax.loglog(*optima[label], "o", color=line.get_color())
    ax.set(xlabel="constant step $h$", ylabel="bound")
    ax.legend(fontsize=8, loc="upper center")
    return ax


def parameter_paths(grid_a, grid_b, values, paths, minimizer=None, ax=None, levels=20):
    """Log-spaced contours of ``values`` (over the meshgrid ``grid_a, grid_b``) with 2-D
    parameter ``paths`` (array of shape ``(runs, K+1, 2)``) on top."""
    ax = _axes(ax, figsize=(5, 4))
    lo, hi = max(np.min(values), 1e-12), np.max(values)
    ax.contour(grid_a, grid_b, values, levels=np.geomspace(lo, hi, levels), cmap="viridis", linewidths=0.6)
    for path in paths:
        ax.plot(path[:, 0], path[:, 1], "-", lw=0.6, alpha=0.8)
    if minimizer is not None:
        ax.plot(*minimizer[:2], "k*", ms=10)
    ax.set(xlim=(grid_a.min(), grid_a.max()), ylim=(grid_b.min(), grid_b.max()))
    return ax


# --- maximum likelihood ----------------------------------------------------
def sample_and_models(x, grid, curves: dict, ax=None, discrete: bool = False, bins=20):
    """The sample ``x`` as a density histogram (or, with ``discrete``, as bars of
    the outcome frequencies) under each model curve in ``curves``
    (label -> values on ``grid``; for ``discrete``, label -> probabilities of ``grid``)."""
    ax = _axes(ax, figsize=(5, 3.5))
    x = np.asarray(x)
    if discrete:
        freq = np.array([np.mean(x == g) for g in grid])
        ax.bar(grid, freq, width=0.6, color="0.8", edgecolor="0.4", label="data (frequency)")
        for i, (label, probs) in enumerate(curves.items()):
            ax.plot(np.asarray(grid) + 0.1 * (i - (len(curves) - 1) / 2), probs, "o", ms=7, label=label)
        ax.set(xticks=list(grid), xlabel="outcome", ylabel="probability")
    else:
        ax.hist(x, bins=bins, density=True, color="0.85", edgecolor="0.5", label="data")
        for label, dens in curves.items():
            ax.plot(grid, dens, lw=2, label=label)
        ax.set(xlabel="$x$", ylabel="density")
    ax.legend(fontsize=8)
    return ax


def nll_curve(grid, nll, ax=None, mle=None, marks: dict | None = None, xlabel=r"$\theta$"):
    """The NLL against one parameter, the MLE ``(theta_hat, nll_hat)`` as a star
    and each point of ``marks`` (label -> (theta, nll)) as a dot."""
    ax = _axes(ax, figsize=(5, 3.5))
    ax.plot(grid, nll, color="k", lw=1.5)
    for label, (t, v) in (marks or {}).items():
        ax.plot([t], [v], "o", ms=7, label=label)
    if mle is not None:
        ax.plot([mle[0]], [mle[1]], "r*", ms=13, label="MLE")
    ax.set(xlabel=xlabel, ylabel="mean NLL")
    ax.legend(fontsize=8)
    return ax


def nll_contours(mu, sigma, nll, ax=None, mle=None, marks: dict | None = None, levels=25):
    """Contours of the NLL over a ``(mu, sigma)`` grid (as from ``np.meshgrid``),
    the MLE as a star and each point of ``marks`` (label -> (mu, sigma)) as a dot."""
    ax = _axes(ax, figsize=(5, 3.5))
    lo = np.min(nll)
    ax.contour(mu, sigma, nll, levels=lo + np.geomspace(1e-3, np.max(nll) - lo, levels), cmap="viridis", linewidths=0.7)
    for label, (m, s) in (marks or {}).items():
        ax.plot([m], [s], "o", ms=7, label=label)
    if mle is not None:
        ax.plot([mle[0]], [mle[1]], "r*", ms=13, label="MLE")
    ax.set(xlabel=r"$\mu$", ylabel=r"$\sigma$")
    ax.legend(fontsize=8, loc="upper right")
    return ax


def estimate_histograms(estimates: dict, truth: float, ax=None, bins=40, xlabel=r"$\hat\theta$"):
    """One density histogram of simulated estimates per entry of ``estimates``
    (label -> array), with the true value as a vertical line."""
    ax = _axes(ax, figsize=(5, 3.5))
    for label, est in estimates.items():
        ax.hist(est, bins=bins, density=True, histtype="stepfilled", alpha=0.45, label=label)
    ax.axvline(truth, color="k", ls="--", lw=1, label="true value")
    ax.set(xlabel=xlabel, ylabel="density")
    ax.legend(fontsize=8)
    return ax


def estimator_means(ns, curves: dict, truth: float | None = None, ax=None, ylabel="mean estimate"):
    """Curves against the sample size N (log axis): label -> values at ``ns``
    (drawn as markers when the label starts with "simulated", else as lines)."""
    ax = _axes(ax, figsize=(5, 3.5))
    for label, values in curves.items():
        style = "o" if label.startswith("simulated") else "-"
        ax.plot(ns, values, style, label=label)
    if truth is not None:
        ax.axhline(truth, color="k", ls="--", lw=1, label="true value")
    ax.set(xscale="log", xlabel="sample size $N$", ylabel=ylabel)
    # Label the sizes themselves: on a short log axis the minor labels (2x10^0, 3x10^0, ...) collide.
    ax.set_xticks(ns, [str(n) for n in ns])
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.legend(fontsize=8)
    return ax


# --- double descent -------------------------------------------------------------
def risk_curves(
    widths,
    test: dict,
    train: dict | None = None,
    threshold=None,
    ax=None,
    xlabel="number of random features $p$",
    ylabel="mean squared error",
):
    """Test errors (label -> values over ``widths``) as solid lines, training errors (same
    labels, optional) dashed in the same colours, on a log error axis; a dotted vertical line
    marks the interpolation threshold ``threshold`` (p = n)."""
    ax = _axes(ax, figsize=(6, 4))
    train = train or {}
    for label, values in test.items():
        (line,) = ax.plot(widths, values, lw=1.5, label=f"test, {label}")
        if label in train:
            ax.plot(widths, np.maximum(train[label], 1e-6), "--", lw=1, color=line.get_color(), label=f"train, {label}")
    if threshold is not None:
        ax.axvline(threshold, color="k", ls=":", lw=1, label=f"$p = n = {threshold}$")
    ax.set(xlabel=xlabel, ylabel=ylabel, yscale="log", xscale="log")
    ax.legend(fontsize=7, loc="upper right")
    return ax


def emc_curve(ns, train_errors: dict, eps: float, emc: dict | None = None, ax=None):
    """Training error against sample size n (label -> values over ``ns``), the tolerance
    ``eps`` as a dotted line, and each effective model complexity ``emc[label]`` marked."""
    ax = _axes(ax, figsize=(5, 3.5))
    for label, values in train_errors.items():
        (line,) = ax.plot(ns, values, "o-", ms=3, label=label)
        if emc and label in emc:
            ax.axvline(emc[label], color=line.get_color(), ls="--", lw=1)
    ax.axhline(eps, color="k", ls=":", lw=1, label=rf"$\varepsilon = {eps:g}$")
    ax.set(xlabel="training samples $n$", ylabel="training error")
    ax.legend(fontsize=8, loc="lower right")
    return ax


# --- universal approximation -----------------------------------------------
def approximation_fit(x, target, approx: dict, ax=None, units=None, domain=None):
    """The ``target`` values on ``x`` (black) and each approximation in ``approx``
    (label -> values on ``x``); ``units`` (an ``(len(x), n)`` array of the hidden
    units' contributions) is drawn faintly; ``domain`` is shaded."""
    ax = _axes(ax, figsize=(5, 3.5))
    if domain is not None:
        ax.axvspan(*domain, color="0.95", zorder=0)
    if units is not None:
        ax.plot(x, units, color="0.6", lw=0.8, alpha=0.7)
    ax.plot(x, target, color="k", lw=2.5, alpha=0.35, label="target $f$")
    for label, values in approx.items():
        ax.plot(x, values, lw=1.5, label=label)
    ax.set(xlabel="$x$")
    ax.legend(fontsize=8, loc="lower left")
    return ax


def error_vs_n(ns, errors: dict, ax=None, slopes: dict | None = None, mark=None):
    """Sup error against the number of units on log-log axes: label -> errors at
    ``ns``; ``slopes`` (label -> p) adds dashed reference lines proportional to
    ``n**-p`` through the first curve's first point; ``mark = (n, error)`` is a dot."""
    ax = _axes(ax, figsize=(5, 3.5))
    ns = np.asarray(ns, dtype=float)
    for label, err in errors.items():
        ax.loglog(ns, err, "o-", ms=3, lw=1.2, label=label)
    if slopes:
        anchor = np.asarray(next(iter(errors.values())), dtype=float)[0]
        for label, p in slopes.items():
            ax.loglog(ns, anchor * (ns / ns[0]) ** (-p), "--", lw=1, color="0.4", label=label)
    if mark is not None:
        ax.loglog([mark[0]], [mark[1]], "o", ms=9, color="C3", label=f"n = {mark[0]}")
    ax.set(xlabel="number of hidden units $n$", ylabel=r"$\sup_x |f(x) - g(x)|$")
    ax.legend(fontsize=8)
    return ax


# --- dropout ---------------------------------------------------------------
def mask_grid(masks, ax=None):
    """Dropout masks as an image: one row per mask, one column per unit; kept
    units light, dropped units dark."""
    ax = _axes(ax, figsize=(5, 3))
    masks = np.asarray(masks, dtype=float)
    ax.imshow(masks, cmap="gray", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    ax.set(xlabel="unit", ylabel="mask (one per example)")
    for axis in (ax.xaxis, ax.yaxis):  # rows and units are counted, not measured
        axis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    return ax


def running_mean(k, means, target: float, band=None, ax=None, label="running mean"):
    """A running mean against the number of samples ``k`` (log axis), the value it
    should reach as a dashed line, and ``band`` (an array: half-width per ``k``)
    shaded around the target."""
    ax = _axes(ax, figsize=(5, 3.5))
    ax.plot(k, means, lw=1.2, label=label)
    if band is not None:
        ax.fill_between(k, target - band, target + band, color="0.85", label="±2 standard errors")
    ax.axhline(target, color="k", ls="--", lw=1, label="expectation")
    ax.set(xscale="log", xlabel="number of masks $K$", ylabel="mean of the masked activation")
    ax.legend(fontsize=8)
    return ax


def train_val_curves(histories: dict, ax=None, key: str = "loss"):
    """For each labelled training history: the training curve (solid) and the
    validation curve (dashed, same colour) of ``key`` ("loss" or "acc") per epoch."""
    ax = _axes(ax, figsize=(5, 3.5))
    for i, (label, h) in enumerate(histories.items()):
        ax.plot(h.epoch, h[f"train_{key}"], color=f"C{i}", lw=1.3, label=f"{label}: training")
        ax.plot(h.epoch, h[f"val_{key}"], color=f"C{i}", lw=1.3, ls="--", label=f"{label}: validation")
    ax.set(xlabel="epoch", ylabel="cross-entropy" if key == "loss" else "accuracy")
    ax.legend(fontsize=8)
    return ax


def error_curves(curves: dict, ax=None, xlabel=r"iteration $t$", ylabel=r"$\|\theta_t - \theta^\star\|$", floor=1e-16):
    """Errors on a log scale: ``label -> errors`` (against 0, 1, 2, ...) or
    ``label -> (x, errors)`` (e.g. against gradient evaluations). Errors below
    ``floor`` (exact zeros) are drawn at ``floor``."""
    ax = _axes(ax, figsize=(5, 3.5))
    for label, curve in curves.items():
        x, err = curve if isinstance(curve, tuple) else (np.arange(len(curve)), curve)
        ax.semilogy(x, np.maximum(np.asarray(err, dtype=float), floor), ".-", ms=3, lw=1, label=label)
    ax.set(xlabel=xlabel, ylabel=ylabel)
    if curves:
        ax.legend(fontsize=8)
    return ax


# --- backpropagation (lesson 02) ---------------------------------------------
def gradient_norms_by_layer(norms: dict, ax=None, ylabel=None):
    """Per-layer gradient norms on a log axis: label -> array of norms for
    layers 1..L (one line each, layer 1 nearest the input on the left)."""
    ax = _axes(ax, figsize=(5, 3.5))
    for label, values in norms.items():
        values = np.asarray(values, dtype=float)
        layers = np.arange(1, values.size + 1)
        ax.semilogy(layers, np.maximum(values, 1e-300), "o-", ms=3, lw=1.2, label=label)
    ax.set(
        xlabel="layer $l$ (1 = nearest the input)",
        ylabel=ylabel or r"$\Vert \partial J / \partial W^{(l)} \Vert$",
    )
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.legend(fontsize=8)
    return ax


def cost_vs_parameters(counts, times: dict, ax=None, ylabel="seconds"):
    """Cost against the number of parameters on log-log axes: label -> costs
    (times or operation counts) at ``counts``."""
    ax = _axes(ax, figsize=(5, 3.5))
    for label, values in times.items():
        ax.loglog(counts, values, "o-", ms=4, lw=1.2, label=label)
    ax.set(xlabel="number of parameters $d$", ylabel=ylabel)
    ax.legend(fontsize=8)
    return ax


# --- chapter 07: momentum -------------------------------------------------------
def rate_vs_curvature(lam, rates: dict, ax=None, reference: dict | None = None):
    """The rate per step (spectral radius) against the Hessian eigenvalue, one
    curve per labelled setting (``rates[label]`` has the shape of ``lam``), with
    dashed horizontal ``reference`` levels (label -> value); log-scaled eigenvalues."""
    ax = _axes(ax, figsize=(5.5, 3.8))
    for label, rho in rates.items():
        ax.plot(lam, rho, lw=1.5, label=label)
    for i, (label, level) in enumerate((reference or {}).items()):
        ax.axhline(level, ls="--", lw=1, color=f"C{i}", label=label)
    ax.set_xscale("log")
    ax.set(xlabel=r"Hessian eigenvalue $\lambda$", ylabel=r"rate $\rho$ per step")
    ax.legend(fontsize=8)
    return ax


def error_norm_curves(norms: dict, ax=None, rates: dict | None = None, ylabel=r"$\|\theta_k - \theta^\star\|$"):
    """Error norms against step k on a log scale, one line per label; for a label
    in ``rates`` a dashed line of slope ``rates[label]`` per step, through the
    curve's last point (a predicted rate to compare with the measured slope)."""
    ax = _axes(ax, figsize=(5, 3.5))
    for i, (label, curve) in enumerate(norms.items()):
        curve = np.asarray(curve, dtype=float)
        k = np.arange(len(curve))
        shown = np.maximum(curve, 1e-300)
        ax.semilogy(k, shown, color=f"C{i}", lw=1.3, label=label)
        if rates and rates.get(label, 0) > 0 and len(curve) > 4:
            K = len(curve) - 1
            ks = np.arange(K // 4, K + 1)
            ax.semilogy(ks, shown[-1] * rates[label] ** (ks - K), "--", color=f"C{i}", lw=1)
    ax.set(xlabel="step $k$", ylabel=ylabel)
    ax.legend(fontsize=8)
    return ax


# --- learning-rate schedules (chapter 10) ----------------------------------------
def schedule_curves(t, rates: dict, ax=None, logy: bool = False, ylabel=r"rate $\eta_t$"):
    """Each labelled schedule's rates against the step ``t`` (a zero line is drawn
    when some rate is negative, so a wrong formula shows as such)."""
    ax = _axes(ax, figsize=(5, 3.5))
    for label, values in rates.items():
        ax.plot(t, values, lw=1.4, label=label)
    if any(np.min(v) < 0 for v in rates.values()):
        ax.axhline(0.0, color="k", lw=0.8)
    if logy:
        ax.set_yscale("log")
    ax.set(xlabel="step $t$", ylabel=ylabel)
    if rates:
        ax.legend(fontsize=8)
    return ax


def seed_spread(values: dict, ax=None, ylabel="", logy: bool = False):
    """One column per label: every seed's value as a dot, and their mean with a bar
    of plus and minus one standard deviation."""
    ax = _axes(ax, figsize=(6, 3.5))
    for i, v in enumerate(values.values()):
        v = np.asarray(v, dtype=float)
        ax.plot(np.full(v.size, i) + np.linspace(-0.12, 0.12, v.size), v, "o", ms=3.5, color="0.55", zorder=1)
        ax.errorbar(i + 0.25, v.mean(), yerr=v.std(), fmt="s", ms=5, color="C0", capsize=3, zorder=2)
    ax.set_xticks(range(len(values)), list(values), rotation=30, ha="right")
    if logy:
        ax.set_yscale("log")
    ax.set(ylabel=ylabel)
    return ax


def step_losses(curves: dict, ax=None, ylabel="minibatch loss", logy: bool = False):
    """Per labelled setting, one thin line per run: ``curves[label]`` has shape
    ``(runs, steps)`` (step 1 first); all runs of a label share a colour."""
    ax = _axes(ax, figsize=(5, 3.5))
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


# --- adaptive step sizes (lesson 08) ---------------------------------------------
def rate_sweep(lrs, finals: dict, ax=None, ylabel="final loss gap", best: dict | None = None):
    """Tuning curves: ``finals[label]`` is the final loss (gap) of each rate in
    ``lrs``, ``inf`` where that run diverged (not drawn); ``best[label]`` is the
    index of the tuned rate, marked with a dot."""
    ax = _axes(ax, figsize=(5, 3.5))
    lrs = np.asarray(lrs, dtype=float)
    for i, (label, final) in enumerate(finals.items()):
        final = np.asarray(final, dtype=float)
        ok = np.isfinite(final)
        ax.loglog(lrs[ok], final[ok], ".-", color=f"C{i}", label=label)
        if best is not None and label in best:
            ax.loglog(lrs[best[label]], final[best[label]], "o", ms=8, color=f"C{i}", mfc="none")
    ax.set(xlabel=r"learning rate $\eta$", ylabel=ylabel)
    if finals:
        ax.legend(fontsize=8)
    return ax


def feature_errors(frequencies, errors: dict, ax=None, ylabel=r"$|\theta_j - \theta^\star_j|$"):
    """Per-feature errors (``label -> array``) against how often each feature is non-zero."""
    ax = _axes(ax, figsize=(5, 3.5))
    for label, err in errors.items():
        ax.loglog(frequencies, np.maximum(np.asarray(err, dtype=float), 1e-6), "o-", ms=4, label=label)
    ax.set(xlabel="fraction of examples where feature $j$ is non-zero", ylabel=ylabel)
    ax.invert_xaxis()
    if errors:
        ax.legend(fontsize=8)
    return ax


def effective_rate_curves(rates, ax=None, reference=None, labels=None):
    r"""Per-coordinate effective rates ``rates[t-1, j]`` against step ``t`` (log-log),
    one line per coordinate; ``reference[j]`` (e.g. diagonal Newton's
    :math:`1/H_{jj}`) as a dashed line in the same colour."""
    ax = _axes(ax, figsize=(5, 3.5))
    rates = np.atleast_2d(np.asarray(rates, dtype=float))
    t = np.arange(1, rates.shape[0] + 1)
    for j in range(rates.shape[1]):
        label = labels[j] if labels is not None else f"coordinate {j + 1}"
        ax.loglog(t, rates[:, j], color=f"C{j}", label=label)
        if reference is not None:
            ax.axhline(reference[j], color=f"C{j}", ls="--", lw=1)
    ax.set(xlabel="step $t$", ylabel="effective rate")
    ax.legend(fontsize=8)
    return ax


# --- capacity and regularization -------------------------------------------
def curve_fit(x, y, grid, target, fits: dict, ax=None, ylim=(-2.0, 2.5)):
    """Training points ``(x, y)``, the true function ``target`` (values on
    ``grid``, grey) and each fitted curve in ``fits`` (label -> values on
    ``grid``); the y-axis is clipped to ``ylim``, so a wild fit stays
    readable."""
    ax = _axes(ax, figsize=(5, 3.5))
    ax.plot(grid, target, color="k", lw=2.5, alpha=0.3, label="true $f$")
    for label, values in fits.items():
        ax.plot(grid, values, lw=1.5, label=label)
    ax.plot(x, y, "o", ms=4, color="k", label="training data")
    ax.set(xlabel="$x$", ylabel="$y$", ylim=ylim)
    ax.legend(fontsize=8, loc="upper left")
    return ax


def capacity_curves(
    capacities,
    train,
    errors: dict,
    ax=None,
    mark=None,
    xlabel="polynomial degree $k$",
    ylabel="mean squared error",
    floor=None,
):
    """Training error (solid, black) and each error in ``errors`` (label ->
    values over ``capacities``) against the capacity, on a log error axis;
    ``mark`` (a capacity) is a dotted vertical line, ``floor`` (the noise
    variance) a dashed horizontal one."""
    ax = _axes(ax, figsize=(5, 3.5))
    ax.plot(capacities, train, "o-", ms=3, color="k", lw=1.3, label="training")
    for label, values in errors.items():
        ax.plot(capacities, values, "o-", ms=3, lw=1.3, label=label)
    if floor is not None:
        ax.axhline(floor, color="0.5", ls="--", lw=1, label="noise variance")
    if mark is not None:
        ax.axvline(mark, color="C3", ls=":", lw=1.2)
    ax.set(xlabel=xlabel, ylabel=ylabel, yscale="log")
    ax.legend(fontsize=8)
    return ax
