"""Chapter 03, universal approximation: its explorer and the figures only this chapter draws (no math here).

The math is in :mod:`coursekit`'s modules; shared drawing primitives in
:mod:`coursekit.plots`; the explorer mechanism in :mod:`coursekit.explorer`.
"""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from ..explorer import Explorer
from ..plots import new_axes


# --- universal approximation -----------------------------------------------
def approximation_fit(x, target, approx: dict, ax=None, units=None, domain=None):
    """The ``target`` values on ``x`` (black) and each approximation in ``approx``
    (label -> values on ``x``); ``units`` (an ``(len(x), n)`` array of the hidden
    units' contributions) is drawn faintly; ``domain`` is shaded."""
    ax = new_axes(ax, figsize=(5, 3.5))
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
    ax = new_axes(ax, figsize=(5, 3.5))
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


def universal_approximation_explorer(n_max: int = 64, domain=(0.0, 1.0), max_units_drawn: int = 16) -> Explorer:
    """A one-hidden-layer sigmoid network built by hand (a staircase of ``n`` steep
    sigmoids, :func:`coursekit.approximation.staircase`) for a target from
    :data:`coursekit.data.APPROXIMATION_TARGETS`. Left: target, network and (for
    small ``n``) each unit's contribution; right: the sup error against ``n`` at the
    current steepness. ``update`` returns ``{"net", "sup_error", "ns", "errors"}``."""
    from .. import approximation
    from ..data import APPROXIMATION_TARGETS

    a, b = domain
    x = np.linspace(a, b, 1001)
    targets = {name: f(x) for name, f in APPROXIMATION_TARGETS.items()}  # computed once
    ns = np.unique(np.geomspace(1, n_max, 16).round().astype(int))
    cache = {}

    def error_curve(target, steepness):
        key = (target, round(float(steepness), 6))
        if key not in cache:
            f = APPROXIMATION_TARGETS[target]
            cache[key] = np.array(
                [
                    approximation.sup_error(f, approximation.staircase(f, n, steepness, domain), domain, num=x.size)
                    for n in ns
                ]
            )
        return cache[key]

    fig, (ax_fit, ax_err) = plt.subplots(1, 2, figsize=(10, 3.8))
    controls = {
        "target": W.Dropdown(options=list(APPROXIMATION_TARGETS), value="sine", description="target"),
        "n": W.IntSlider(value=8, min=1, max=n_max, description="units n"),
        "steepness": W.FloatLogSlider(value=10.0, base=10, min=0, max=2, step=0.05, description="steepness"),
    }
    approximation_fit(x, targets["sine"], {}, ax=ax_fit)
    target_line = ax_fit.get_lines()[-1]
    (net_line,) = ax_fit.plot(x, np.zeros_like(x), lw=1.5, color="C0", label="network $g$")
    unit_lines = ax_fit.plot(x, np.zeros((x.size, max_units_drawn)), color="0.6", lw=0.8, alpha=0.7)
    ax_fit.legend(fontsize=8, loc="lower left")
    title = ax_fit.set_title("")
    state = {}

    def draw(fig, target, n, steepness):
        f = APPROXIMATION_TARGETS[target]
        net = approximation.staircase(f, n, steepness, domain)
        g = net(x)
        err = float(np.max(np.abs(targets[target] - g)))  # the sup error on the grid
        target_line.set_ydata(targets[target])
        net_line.set_ydata(g)
        units = net.units(x) if n <= max_units_drawn else None
        for i, line in enumerate(unit_lines):
            line.set_visible(units is not None and i < n)
            if units is not None and i < n:
                line.set_ydata(units[:, i])
        lo, hi = min(targets[target].min(), g.min()), max(targets[target].max(), g.max())
        if units is not None:
            lo, hi = min(lo, units.min()), max(hi, units.max())
        pad = 0.08 * (hi - lo)
        ax_fit.set_ylim(lo - pad, hi + pad)
        title.set_text(f"{n} sigmoid units: sup error {err:.3g}")
        errors = error_curve(target, steepness)
        if state.get("curve") != (target, steepness):
            ax_err.clear()
            error_vs_n(ns, {f"staircase, steepness {steepness:.3g}": errors}, ax=ax_err, slopes={r"$\propto 1/n$": 1.0})
            (state["mark"],) = ax_err.loglog([], [], "o", ms=9, color="C3")
            state["curve"] = (target, steepness)
        state["mark"].set_data([n], [err])
        return {"net": net, "sup_error": err, "ns": ns, "errors": errors}

    return Explorer(fig, draw, controls)
