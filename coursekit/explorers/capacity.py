"""Chapter 05, capacity, overfitting and regularization: its explorer and the figures only this chapter draws (no math here).

The math is in :mod:`coursekit`'s modules; shared drawing primitives in
:mod:`coursekit.plots`; the explorer mechanism in :mod:`coursekit.explorer`.
"""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from ..explorer import Explorer
from ..plots import new_axes


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
    ax = new_axes(ax, figsize=(5, 3.5))
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


# --- capacity and regularization -------------------------------------------
def curve_fit(x, y, grid, target, fits: dict, ax=None, ylim=(-2.0, 2.5)):
    """Training points ``(x, y)``, the true function ``target`` (values on
    ``grid``, grey) and each fitted curve in ``fits`` (label -> values on
    ``grid``); the y-axis is clipped to ``ylim``, so a wild fit stays
    readable."""
    ax = new_axes(ax, figsize=(5, 3.5))
    ax.plot(grid, target, color="k", lw=2.5, alpha=0.3, label="true $f$")
    for label, values in fits.items():
        ax.plot(grid, values, lw=1.5, label=label)
    ax.plot(x, y, "o", ms=4, color="k", label="training data")
    ax.set(xlabel="$x$", ylabel="$y$", ylim=ylim)
    ax.legend(fontsize=8, loc="upper left")
    return ax


# --- capacity and regularization ------------------------------------------
#: the ridge values λ the capacity explorer offers (0: plain least squares)
CAPACITY_RIDGES = (0.0, 1e-4, 1e-3, 1e-2, 1e-1, 1.0)


def capacity_explorer(
    x_pool,
    y_pool,
    val,
    test,
    max_degree: int = 15,
    sizes=(20, 40, 80, 160),
    noise: float | None = None,
) -> Explorer:
    """Polynomial ridge regression (:mod:`coursekit.capacity`, Legendre
    features, the target :func:`coursekit.data.curve_target`) with the degree
    ``k``, the ridge λ and the training-set size N (the first N points of
    ``x_pool, y_pool``) as controls. Left: the training points and the fit of
    degree ``k``; right: training, validation and test errors against the
    degree for this λ and N (``val`` and ``test`` are ``(x, y)`` pairs), with
    ``k`` marked and ``noise**2`` drawn as the floor. ``update`` returns
    ``{"sweep", "fit", "errors"}``: the
    :class:`~coursekit.capacity.CapacitySweep` over all degrees, the fitted
    curve on the plotting grid, and the three errors at ``k``."""
    from .. import capacity
    from ..data import curve_target

    x_pool, y_pool = (
        np.asarray(x_pool, dtype=float),
        np.asarray(y_pool, dtype=float),
    )
    if max(sizes) > len(x_pool):
        raise ValueError(f"sizes must be at most len(x_pool) = {len(x_pool)}, got {sizes!r}")
    Phi_pool = capacity.legendre_features(x_pool, max_degree)  # computed once
    evals = {
        name: (
            capacity.legendre_features(np.asarray(x, dtype=float), max_degree),
            np.asarray(y, dtype=float),
        )
        for name, (x, y) in (("validation", val), ("test", test))
    }
    grid = np.linspace(-1, 1, 300)
    Phi_grid = capacity.legendre_features(grid, max_degree)
    degrees = np.arange(max_degree + 1)
    cache = {}

    def sweep_for(lam, n):
        # all degrees at once: a move of the degree slider only looks up
        if (lam, n) not in cache:
            cache[lam, n] = capacity.capacity_sweep(Phi_pool[:n], y_pool[:n], evals, degrees, lam)
        return cache[lam, n]

    controls = {
        "degree": W.IntSlider(value=3, min=0, max=max_degree, description="degree k"),
        "ridge": W.SelectionSlider(options=list(CAPACITY_RIDGES), value=0.0, description="ridge λ"),
        "n": W.SelectionSlider(options=list(sizes), value=sizes[0], description="samples N"),
    }
    fig, (ax_fit, ax_err) = plt.subplots(1, 2, figsize=(11, 4))
    curve_fit(
        x_pool[: sizes[0]],
        y_pool[: sizes[0]],
        grid,
        curve_target(grid),
        {"fit": np.zeros_like(grid)},
        ax=ax_fit,
    )
    _, fit_line, points = ax_fit.get_lines()
    fit_title = ax_fit.set_title("", fontsize=10)
    ones = np.ones(len(degrees))
    capacity_curves(
        degrees,
        ones,
        {"validation": ones, "test": ones},
        ax=ax_err,
        mark=0,
        floor=None if noise is None else noise**2,
    )
    lines = ax_err.get_lines()
    train_line, val_line, test_line, mark = (
        lines[0],
        lines[1],
        lines[2],
        lines[-1],
    )
    ax_err.set_ylim(0.03, 30)
    err_title = ax_err.set_title("", fontsize=10)

    def draw(fig, degree, ridge, n):
        sweep = sweep_for(ridge, n)
        w, b = sweep.fits[degree]
        fit = capacity.predict(Phi_grid, w, b)
        points.set_data(x_pool[:n], y_pool[:n])
        fit_line.set_ydata(fit)
        train_line.set_ydata(sweep.train)
        val_line.set_ydata(sweep.errors["validation"])
        test_line.set_ydata(sweep.errors["test"])
        mark.set_xdata([degree, degree])
        errors = {
            "training": sweep.train[degree],
            **{name: e[degree] for name, e in sweep.errors.items()},
        }
        fit_title.set_text(f"degree {degree}, λ = {ridge:g}, N = {n}")
        err_title.set_text(
            f"at k = {degree}: training {errors['training']:.3g}, validation "
            f"{errors['validation']:.3g}, test {errors['test']:.3g}\n"
            f"the validation set picks k = {sweep.best()}"
        )
        return {"sweep": sweep, "fit": fit, "errors": errors}

    return Explorer(fig, draw, controls)
