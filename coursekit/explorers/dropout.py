"""Chapter 12, dropout: its explorer and the figures only this chapter draws (no math here).

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


# --- dropout ---------------------------------------------------------------
def mask_grid(masks, ax=None):
    """Dropout masks as an image: one row per mask, one column per unit; kept
    units light, dropped units dark."""
    ax = new_axes(ax, figsize=(5, 3))
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
    ax = new_axes(ax, figsize=(5, 3.5))
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
    ax = new_axes(ax, figsize=(5, 3.5))
    for i, (label, h) in enumerate(histories.items()):
        ax.plot(h.epoch, h[f"train_{key}"], color=f"C{i}", lw=1.3, label=f"{label}: training")
        ax.plot(h.epoch, h[f"val_{key}"], color=f"C{i}", lw=1.3, ls="--", label=f"{label}: validation")
    ax.set(xlabel="epoch", ylabel="cross-entropy" if key == "loss" else "accuracy")
    ax.legend(fontsize=8)
    return ax


def dropout_explorer(histories: dict, activation: float = 1.0, samples: int = 5000, seed: int = 0) -> Explorer:
    """Dropout probability ``p`` and hidden width as sliders over a grid of trained runs.

    ``histories`` maps ``(p, width)`` to a :class:`~coursekit.train.History` (trained
    beforehand: a slider move only looks one up). Left: the running mean of
    ``samples`` inverted-dropout copies of one ``activation`` (``nn.Dropout`` in
    training mode, the same uniform draws for every ``p``) with a band of two
    standard errors; right: that run's training and validation loss.
    ``update`` returns ``{"masked", "running_mean", "band", "history"}``."""
    from .. import moments, nn

    if not histories:
        raise ValueError("histories is empty: pass {(p, width): History, ...}")
    ps = sorted({p for p, _ in histories})
    widths = sorted({w for _, w in histories})
    missing = [(p, w) for p in ps for w in widths if (p, w) not in histories]
    if missing:
        raise ValueError(f"histories must cover the grid of p and width; missing {missing}")
    fig, (ax_mc, ax_fit) = plt.subplots(1, 2, figsize=(11, 4))
    controls = {
        "p": W.SelectionSlider(options=ps, value=ps[len(ps) // 2], description="p (drop)"),
        "width": W.SelectionSlider(options=widths, value=widths[-1], description="width"),
    }
    k = np.arange(1, samples + 1)
    ones = np.full(samples, float(activation))
    first = histories[ps[0], widths[0]]
    running_mean(k, ones, float(activation), band=np.zeros(samples), ax=ax_mc)
    mean_line = ax_mc.get_lines()[0]
    ax_mc.set_ylim(0.5 * activation, 1.5 * activation)
    train_val_curves({"run": first}, ax=ax_fit)
    train_line, val_line = ax_fit.get_lines()
    # One scale for every run: the runs compare at a glance, and the axes (most of
    # the drawing) stay as they are from move to move.
    top = max(max(max(h.train_loss), max(h.val_loss)) for h in histories.values())
    ax_fit.set(xlim=(0, max(max(h.epoch) for h in histories.values())), ylim=(0, 1.05 * top))
    title = ax_fit.set_title("", fontsize=10)
    band_area = ax_mc.collections[0]
    # Above the axis (zorder 1.5), so that the canvas keeps the ticks and labels drawn
    # below it as pixels while the band changes; still below the lines (2).
    band_area.set_zorder(1.6)

    def draw(fig, p, width):
        layer = nn.Dropout(p, rng=seed)  # the same uniforms for every p
        masked = layer(ones).data  # a r_j / (1 - p), j = 1..samples
        means = moments.running_mean(masked)
        band = 2 * moments.dropout_std(activation, p) / np.sqrt(k)
        mean_line.set_data(k, means)
        band_area.set_data(k, activation - band, activation + band)
        ax_mc.set_title(f"p = {p}: mean of {samples} masks = {means[-1]:.3f}", fontsize=10)
        h = histories[p, width]
        train_line.set_data(h.epoch, h.train_loss)
        val_line.set_data(h.epoch, h.val_loss)
        title.set_text(f"p = {p}, width {width}: final gap {h.val_loss[-1] - h.train_loss[-1]:.3f}")
        return {"masked": masked, "running_mean": means, "band": band, "history": h}

    return Explorer(fig, draw, controls)
