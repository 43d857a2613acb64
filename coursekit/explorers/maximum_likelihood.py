"""Chapter 04, maximum likelihood: its explorer and the figures only this chapter draws (no math here).

The math is in :mod:`coursekit`'s modules; shared drawing primitives in
:mod:`coursekit.plots`; the explorer mechanism in :mod:`coursekit.explorer`.
"""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np

from ..explorer import Explorer
from ..plots import new_axes


def estimate_histograms(estimates: dict, truth: float, ax=None, bins=40, xlabel=r"$\hat\theta$"):
    """One density histogram of simulated estimates per entry of ``estimates``
    (label -> array), with the true value as a vertical line."""
    ax = new_axes(ax, figsize=(5, 3.5))
    for label, est in estimates.items():
        ax.hist(est, bins=bins, density=True, histtype="stepfilled", alpha=0.45, label=label)
    ax.axvline(truth, color="k", ls="--", lw=1, label="true value")
    ax.set(xlabel=xlabel, ylabel="density")
    ax.legend(fontsize=8)
    return ax


def estimator_means(ns, curves: dict, truth: float | None = None, ax=None, ylabel="mean estimate"):
    """Curves against the sample size N (log axis): label -> values at ``ns``
    (drawn as markers when the label starts with "simulated", else as lines)."""
    ax = new_axes(ax, figsize=(5, 3.5))
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


def nll_contours(mu, sigma, nll, ax=None, mle=None, marks: dict | None = None, levels=25):
    """Contours of the NLL over a ``(mu, sigma)`` grid (as from ``np.meshgrid``),
    the MLE as a star and each point of ``marks`` (label -> (mu, sigma)) as a dot."""
    ax = new_axes(ax, figsize=(5, 3.5))
    lo = np.min(nll)
    ax.contour(mu, sigma, nll, levels=lo + np.geomspace(1e-3, np.max(nll) - lo, levels), cmap="viridis", linewidths=0.7)
    for label, (m, s) in (marks or {}).items():
        ax.plot([m], [s], "o", ms=7, label=label)
    if mle is not None:
        ax.plot([mle[0]], [mle[1]], "r*", ms=13, label="MLE")
    ax.set(xlabel=r"$\mu$", ylabel=r"$\sigma$")
    ax.legend(fontsize=8, loc="upper right")
    return ax


def nll_curve(grid, nll, ax=None, mle=None, marks: dict | None = None, xlabel=r"$\theta$"):
    """The NLL against one parameter, the MLE ``(theta_hat, nll_hat)`` as a star
    and each point of ``marks`` (label -> (theta, nll)) as a dot."""
    ax = new_axes(ax, figsize=(5, 3.5))
    ax.plot(grid, nll, color="k", lw=1.5)
    for label, (t, v) in (marks or {}).items():
        ax.plot([t], [v], "o", ms=7, label=label)
    if mle is not None:
        ax.plot([mle[0]], [mle[1]], "r*", ms=13, label="MLE")
    ax.set(xlabel=xlabel, ylabel="mean NLL")
    ax.legend(fontsize=8)
    return ax


# --- maximum likelihood ----------------------------------------------------
def sample_and_models(x, grid, curves: dict, ax=None, discrete: bool = False, bins=20):
    """The sample ``x`` as a density histogram (or, with ``discrete``, as bars of
    the outcome frequencies) under each model curve in ``curves``
    (label -> values on ``grid``; for ``discrete``, label -> probabilities of ``grid``)."""
    ax = new_axes(ax, figsize=(5, 3.5))
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


def maximum_likelihood_explorer(x, y) -> Explorer:
    """Fit a model by hand: a Gaussian (μ, σ sliders) to the real sample ``x`` or a
    Bernoulli (p slider) to the 0/1 sample ``y``. Left: the data under the model;
    right: the mean NLL landscape with the current guess (dot) and the MLE (star).
    ``update`` returns ``{"model", "nll", "mle", "nll_mle"}``."""
    from .. import likelihood

    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    mu_hat, sigma_hat = likelihood.gaussian_mle(x)
    p_hat = likelihood.bernoulli_mle(y)
    spread = x.std()
    lo, hi = x.min() - spread, x.max() + spread
    s_lo, s_hi = 0.25 * sigma_hat, 3.0 * sigma_hat

    # Everything that does not depend on the sliders is computed once here.
    grid = np.linspace(lo, hi, 300)
    mu_g, sigma_g = np.meshgrid(np.linspace(lo, hi, 80), np.linspace(s_lo, s_hi, 80))
    nll_grid = likelihood.gaussian_nll(x, mu_g, sigma_g)
    p_grid = np.linspace(0.005, 0.995, 199)
    nll_p = likelihood.bernoulli_nll(y, p_grid)

    fig, (ax_data, ax_nll) = plt.subplots(1, 2, figsize=(10, 3.8))
    controls = {
        "model": W.Dropdown(options=["Gaussian", "Bernoulli"], value="Gaussian", description="model"),
        "mu": W.FloatSlider(
            value=round(lo + 0.3 * (hi - lo), 2), min=round(lo, 2), max=round(hi, 2), step=0.01, description="μ"
        ),
        "sigma": W.FloatSlider(
            value=round(2 * sigma_hat, 2), min=round(s_lo, 2), max=round(s_hi, 2), step=0.01, description="σ"
        ),
        "p": W.FloatSlider(value=0.5, min=0.01, max=0.99, step=0.01, description="p"),
    }
    state = {"model": None}
    artists = {}

    def setup(model):
        ax_data.clear()
        ax_nll.clear()
        if model == "Gaussian":
            sample_and_models(x, grid, {}, ax=ax_data)
            (artists["curve"],) = ax_data.plot(grid, np.zeros_like(grid), lw=2, color="C0", label="your model")
            nll_contours(mu_g, sigma_g, nll_grid, ax=ax_nll, mle=(mu_hat, sigma_hat))
        else:
            sample_and_models(y, [0, 1], {}, ax=ax_data, discrete=True)
            (artists["curve"],) = ax_data.plot([0, 1], [0.5, 0.5], "o", ms=9, color="C0", label="your model")
            ax_data.set_ylim(0, 1)
            nll_curve(p_grid, nll_p, ax=ax_nll, mle=(p_hat, float(likelihood.bernoulli_nll(y, p_hat))), xlabel="$p$")
        (artists["point"],) = ax_nll.plot([], [], "o", ms=9, color="C0", label="your guess")
        ax_data.legend(fontsize=8)
        ax_nll.legend(fontsize=8, loc="upper right")
        artists["title"] = ax_nll.set_title("")
        state["model"] = model

    def draw(fig, model, mu, sigma, p):
        if model != state["model"]:
            setup(model)
        if model == "Gaussian":
            nll = float(likelihood.gaussian_nll(x, mu, sigma))
            nll_mle = float(likelihood.gaussian_nll(x, mu_hat, sigma_hat))
            artists["curve"].set_ydata(likelihood.gaussian_density(grid, mu, sigma))
            artists["point"].set_data([mu], [sigma])
            mle = (mu_hat, sigma_hat)
            ax_data.set_ylim(0, max(1.05 * float(likelihood.gaussian_density(mu, mu, sigma)), ax_data.dataLim.y1))
        else:
            nll = float(likelihood.bernoulli_nll(y, p))
            nll_mle = float(likelihood.bernoulli_nll(y, p_hat))
            artists["curve"].set_ydata([1 - p, p])
            artists["point"].set_data([p], [nll])
            mle = (p_hat,)
        artists["title"].set_text(f"NLL = {nll:.3f}   (at the MLE: {nll_mle:.3f})")
        return {"model": model, "nll": nll, "mle": mle, "nll_mle": nll_mle}

    return Explorer(fig, draw, controls)
