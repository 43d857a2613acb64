"""Chapter 02, backpropagation: its explorer and the figures only this chapter draws (no math here).

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


def cost_vs_parameters(counts, times: dict, ax=None, ylabel="seconds"):
    """Cost against the number of parameters on log-log axes: label -> costs
    (times or operation counts) at ``counts``."""
    ax = new_axes(ax, figsize=(5, 3.5))
    for label, values in times.items():
        ax.loglog(counts, values, "o-", ms=4, lw=1.2, label=label)
    ax.set(xlabel="number of parameters $d$", ylabel=ylabel)
    ax.legend(fontsize=8)
    return ax


# --- backpropagation (lesson 02) ---------------------------------------------
def gradient_norms_by_layer(norms: dict, ax=None, ylabel=None):
    """Per-layer gradient norms on a log axis: label -> array of norms for
    layers 1..L (one line each, layer 1 nearest the input on the left)."""
    ax = new_axes(ax, figsize=(5, 3.5))
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


# --- backpropagation (lesson 02) ---------------------------------------------
def backprop_explorer(
    X,
    y,
    width: int = 16,
    depths=(2, 4, 8, 16),
    scales=(0.5, 1.0, 2.0, 4.0),
    lr: float = 0.5,
    steps: int = 60,
    seed: int = 0,
    static=None,
) -> Explorer:
    """Depth, activation and initial weight scale of an MLP with ``width`` units
    per hidden layer, trained by full-batch gradient descent (binary
    cross-entropy on ``(X, y)``, rate ``lr``, ``steps`` steps, hand-written
    backward pass of :mod:`coursekit.manual_backprop`). Left: the per-layer
    gradient norms at initialisation (log scale); right: the loss curve, or
    "diverged". Runs are cached. ``update`` returns ``{"run", "norms", "loss",
    "diverged"}``. In the HTML book the kernel-free figure is precomputed
    over depth x activation (``static``) at the initial scale 1."""
    from .. import manual_backprop

    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1, 1)
    if X.ndim != 2 or len(X) != len(y):
        raise ValueError(f"X must be (N, d) with one label per row, got {X.shape} and {y.shape}")
    depths, scales = [int(d) for d in depths], [float(s) for s in scales]
    if min(depths) < 1:
        raise ValueError(f"depths must be >= 1, got {depths}")
    controls = {
        "depth": W.SelectionSlider(
            options=depths,
            value=depths[len(depths) // 2],
            description="depth L",
        ),
        "activation": W.Dropdown(
            options=list(manual_backprop.ACTIVATIONS),
            value="sigmoid",
            description="activation",
        ),
        "scale": W.SelectionSlider(
            options=scales,
            value=1.0 if 1.0 in scales else scales[0],
            description="init scale",
        ),
    }
    cache = {}

    def run_for(depth, activation, scale):
        key = (depth, activation, scale)
        if key not in cache:
            sizes = [X.shape[1]] + [width] * (depth - 1) + [1]
            cache[key] = manual_backprop.train_mlp(
                sizes,
                X,
                y,
                activation,
                scale,
                lr=lr,
                steps=steps,
                loss="bce",
                seed=seed,
            )
        return cache[key]

    fig, (ax_norm, ax_loss) = plt.subplots(1, 2, figsize=(11, 4))
    gradient_norms_by_layer({"at initialisation": np.ones(max(depths))}, ax=ax_norm)
    (norm_line,) = ax_norm.get_lines()
    ax_norm.get_legend().remove()
    (loss_line,) = ax_loss.plot([], [], lw=1.5)
    ax_loss.axhline(
        np.log(2),
        color="0.5",
        ls=":",
        lw=1,
        label="ln 2 (always predicting 1/2)",
    )
    ax_loss.set(
        xlabel="gradient-descent step",
        ylabel="training loss (cross-entropy)",
        xlim=(0, steps),
    )
    ax_loss.legend(fontsize=8, loc="upper right")
    title_norm = ax_norm.set_title("", fontsize=10)
    title_loss = ax_loss.set_title("", fontsize=10)

    def draw(fig, depth, activation, scale):
        run = run_for(depth, activation, scale)
        norms = run.norms
        norm_line.set_data(np.arange(1, depth + 1), np.maximum(norms, 1e-300))
        finite = norms[np.isfinite(norms) & (norms > 0)]
        lo, hi = (finite.min(), finite.max()) if finite.size else (1e-3, 1.0)
        ax_norm.set(xlim=(0.5, max(depths) + 0.5), ylim=(lo / 5, hi * 5))
        title_norm.set_text(
            f"{activation}, L = {depth}, scale {scale:g}: layer 1 / layer L = {norms[0] / norms[-1]:.2g}"
        )
        loss = np.asarray(run.loss)
        loss_line.set_data(np.arange(loss.size), loss)
        top = max(loss.max() if loss.size else 1.0, np.log(2))
        ax_loss.set_ylim(0, 1.1 * min(top, 10.0))
        if run.diverged:
            title_loss.set_text(f"diverged at step {run.diverged_at}")
        else:
            title_loss.set_text(f"loss {loss[0]:.3f} -> {loss[-1]:.3f} in {steps} steps")
        return {
            "run": run,
            "norms": norms,
            "loss": loss,
            "diverged": run.diverged,
        }

    if static is None:
        acts = list(manual_backprop.ACTIVATIONS)
        static = {"depth": depths, "activation": acts}
    return Explorer(fig, draw, controls, static=static)
