"""Chapter 13, double descent: its explorer and the figures only this chapter draws (no math here).

The math is in :mod:`coursekit`'s modules; shared drawing primitives in
:mod:`coursekit.plots`; the explorer mechanism in :mod:`coursekit.explorer`.
"""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from ..explorer import Explorer
from ..plots import new_axes


def emc_curve(ns, train_errors: dict, eps: float, emc: dict | None = None, ax=None):
    """Training error against sample size n (label -> values over ``ns``), the tolerance
    ``eps`` as a dotted line, and each effective model complexity ``emc[label]`` marked."""
    ax = new_axes(ax, figsize=(5, 3.5))
    for label, values in train_errors.items():
        (line,) = ax.plot(ns, values, "o-", ms=3, label=label)
        if emc and label in emc:
            ax.axvline(emc[label], color=line.get_color(), ls="--", lw=1)
    ax.axhline(eps, color="k", ls=":", lw=1, label=rf"$\varepsilon = {eps:g}$")
    ax.set(xlabel="training samples $n$", ylabel="training error")
    ax.legend(fontsize=8, loc="lower right")
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
    ax = new_axes(ax, figsize=(6, 4))
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


# --- double descent -------------------------------------------------------------
#: the ridge values the double-descent explorer offers (0 is the minimum-norm fit)
DD_RIDGES = (0.0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1)


def double_descent_explorer(sweep, f_train, f_test, sample_sizes=(50, 100, 150), noise_max: float = 1.0) -> Explorer:
    """Random-feature regression over all widths of ``sweep`` (a
    :class:`~coursekit.random_features.WidthSweep`): label noise σ, ridge λ and the number of
    training samples n as controls. Draws the test and training errors, averaged exactly over
    the label noise (:meth:`~coursekit.random_features.WidthSweep.expected_errors`), against the
    number of features, with the threshold p = n marked. Every n is prepared up front."""

    for n in sample_sizes:
        sweep.prepare(n)
    controls = {
        "noise": W.FloatSlider(value=0.25, min=0.0, max=noise_max, step=0.05, description="noise σ"),
        "ridge": W.SelectionSlider(options=list(DD_RIDGES), value=0.0, description="ridge λ"),
        "n": W.SelectionSlider(
            options=list(sample_sizes), value=sample_sizes[len(sample_sizes) // 2], description="samples n"
        ),
    }
    fig, ax = plt.subplots(figsize=(7, 4))
    ones = np.ones(len(sweep.widths))
    risk_curves(sweep.widths, {"": ones}, {"": ones}, threshold=sample_sizes[0], ax=ax)
    test_line, train_line, threshold = ax.get_lines()
    test_line.set_label("test error")
    train_line.set_label("training error")
    ax.legend(fontsize=8, loc="upper right")
    title = ax.set_title("", fontsize=10)

    def draw(fig, noise, ridge, n):
        errs = sweep.expected_errors(f_train, f_test, noise=noise, ridge=ridge, n=n)
        test_line.set_ydata(errs.test)
        train_line.set_ydata(np.maximum(errs.train, 1e-6))
        threshold.set_xdata([n, n])
        ax.set_ylim(1e-3, max(10.0, 2 * errs.test.max()))
        title.set_text(f"σ = {noise:.2f}, λ = {ridge:g}, n = {n}: test error peaks at p = {errs.peak_width}")
        return errs

    return Explorer(fig, draw, controls)
