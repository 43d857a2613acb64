"""Chapter 09, Adam and its bias correction: its explorer and the figures only this chapter draws (no math here).

The math is in :mod:`coursekit`'s modules; shared drawing primitives in
:mod:`coursekit.plots`; the explorer mechanism in :mod:`coursekit.explorer`.
"""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from ..explorer import Explorer
from ..plots import new_axes


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
    ax = new_axes(ax, figsize=(5, 3.5))
    for label, values in steps.items():
        ax.plot(t, values, lw=1.2, label=label)
    for i, (label, value) in enumerate((reference or {}).items()):
        ax.axhline(value, color=f"{0.1 + 0.3 * i:.1f}", ls="--", lw=1, label=label)
    ax.set(xlabel="step $t$", ylabel=ylabel, xscale="log" if logx else "linear")
    ax.legend(fontsize=8)
    return ax


# --- Adam's bias correction ------------------------------------------------
def ema_weights(weights: dict, ax=None):
    """The weight each past gradient carries in a moving average: ``weights`` maps
    a label to ``w_1, ..., w_t`` (the weight of ``g_i``), drawn against ``i``."""
    ax = new_axes(ax, figsize=(5, 3.5))
    for label, w in weights.items():
        w = np.asarray(w)
        ax.plot(np.arange(1, len(w) + 1), w, drawstyle="steps-mid", label=label)
    ax.set(xlabel="gradient index $i$", ylabel="weight of $g_i$")
    ax.legend(fontsize=8)
    return ax


def adam_bias_explorer(max_steps: int = 1000, signal: float = 1.0, seed: int = 0) -> Explorer:
    """Adam's moments over a noisy gradient stream ``g_t = signal + noise * xi_t``
    (``xi_t`` standard normal, drawn once): sliders for beta1, beta2, the noise and
    the number of steps. Left: the stream, m_t and m^_t, sqrt(v_t) and sqrt(v^_t);
    right: Adam's step per unit rate with and without the bias correction, and the
    stationary limit E g / sqrt(E g^2). ``update`` returns ``{"t", "g", "moments",
    "corrected", "uncorrected", "limit"}``."""
    from .. import moments

    if int(max_steps) != max_steps or max_steps < 10:
        raise ValueError(f"max_steps must be an integer >= 10, got {max_steps!r}")
    xi = np.random.default_rng(seed).standard_normal(int(max_steps))  # one noise draw, rescaled by the slider
    fig, (ax_m, ax_u) = plt.subplots(1, 2, figsize=(11, 4))
    controls = {
        "beta1": W.SelectionSlider(options=[0.0, 0.5, 0.8, 0.9, 0.95, 0.99], value=0.9, description="β₁"),
        "beta2": W.SelectionSlider(options=[0.9, 0.99, 0.995, 0.999, 0.9999], value=0.999, description="β₂"),
        "noise": W.FloatSlider(value=1.0, min=0.0, max=5.0, step=0.1, description="noise σ"),
        "steps": W.IntSlider(value=min(200, int(max_steps)), min=10, max=int(max_steps), step=10, description="steps"),
    }
    # Lines are drawn once; a slider move only replaces their data.
    empty = np.zeros(0)
    (g_pts,) = ax_m.plot(empty, empty, ".", ms=2, color="0.6", label="$g_t$")
    adam_steps(
        empty,
        {"$m_t$": empty, r"$\hat m_t$": empty, r"$\sqrt{v_t}$": empty, r"$\sqrt{\hat v_t}$": empty},
        ax=ax_m,
        ylabel="moment estimate",
    )
    lines_m = ax_m.get_lines()[1:]
    for line, style in zip(lines_m, ["--", "-", "--", "-"]):
        line.set_linestyle(style)
    adam_steps(
        empty,
        {"corrected": empty, "uncorrected": empty},
        reference={r"limit $\mathbb{E}g/\sqrt{\mathbb{E}g^2}$": 1.0},
        ax=ax_u,
    )
    line_c, line_u, line_ref = ax_u.get_lines()
    ax_m.legend(fontsize=8, loc="upper right")
    title = ax_u.set_title("", fontsize=10)

    def draw(fig, beta1, beta2, noise, steps):
        t = np.arange(1, steps + 1)
        g = signal + noise * xi[:steps]
        mo = moments.adam_moments(g, (beta1, beta2))
        corrected = moments.adam_step(g, (beta1, beta2))
        uncorrected = moments.adam_step(g, (beta1, beta2), correct_m=False, correct_v=False)
        limit = moments.stationary_step(signal, noise)
        g_pts.set_data(t, g)
        for line, y in zip(lines_m, (mo.m, mo.m_hat, np.sqrt(mo.v), np.sqrt(mo.v_hat))):
            line.set_data(t, y)
        line_c.set_data(t, corrected)
        line_u.set_data(t, uncorrected)
        line_ref.set_ydata([limit, limit])
        lo, hi = np.percentile(g, [1, 99])
        ax_m.set(xlim=(0, steps), ylim=(min(lo, 0.0) - 0.1, max(hi, np.sqrt(mo.v_hat).max()) + 0.1))
        top = max(np.abs(uncorrected).max(), np.abs(corrected).max(), 1.0)
        ax_u.set(xlim=(0, steps), ylim=(min(corrected.min(), uncorrected.min(), 0.0) - 0.1, 1.05 * top))
        title.set_text(f"mean corrected step {corrected.mean():.2f}, limit {limit:.2f}")
        return {"t": t, "g": g, "moments": mo, "corrected": corrected, "uncorrected": uncorrected, "limit": limit}

    return Explorer(fig, draw, controls)
