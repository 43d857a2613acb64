"""Chapter 08, adaptive step sizes (AdaGrad, RMSProp): its explorer and the figures only this chapter draws (no math here).

The math is in :mod:`coursekit`'s modules; shared drawing primitives in
:mod:`coursekit.plots`; the explorer mechanism in :mod:`coursekit.explorer`.
"""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from ..explorer import Explorer
from ..plots import new_axes


def effective_rate_curves(rates, ax=None, reference=None, labels=None):
    r"""Per-coordinate effective rates ``rates[t-1, j]`` against step ``t`` (log-log),
    one line per coordinate; ``reference[j]`` (e.g. diagonal Newton's
    :math:`1/H_{jj}`) as a dashed line in the same colour."""
    ax = new_axes(ax, figsize=(5, 3.5))
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


def feature_errors(frequencies, errors: dict, ax=None, ylabel=r"$|\theta_j - \theta^\star_j|$"):
    """Per-feature errors (``label -> array``) against how often each feature is non-zero."""
    ax = new_axes(ax, figsize=(5, 3.5))
    for label, err in errors.items():
        ax.loglog(frequencies, np.maximum(np.asarray(err, dtype=float), 1e-6), "o-", ms=4, label=label)
    ax.set(xlabel="fraction of examples where feature $j$ is non-zero", ylabel=ylabel)
    ax.invert_xaxis()
    if errors:
        ax.legend(fontsize=8)
    return ax


# --- adaptive step sizes (lesson 08) ---------------------------------------------
def rate_sweep(lrs, finals: dict, ax=None, ylabel="final loss gap", best: dict | None = None):
    """Tuning curves: ``finals[label]`` is the final loss (gap) of each rate in
    ``lrs``, ``inf`` where that run diverged (not drawn); ``best[label]`` is the
    index of the tuned rate, marked with a dot."""
    ax = new_axes(ax, figsize=(5, 3.5))
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


# --- adaptive step sizes (lesson 08) ---------------------------------------------
def adaptive_explorer(
    kappas=(1, 10, 100, 1000), theta0=(-1.0, 0.6), steps: int = 200, extent=(-1.3, 1.3, -0.8, 0.8)
) -> Explorer:
    """SGD, momentum, AdaGrad, RMSProp or Adam (PyTorch's defaults apart from η;
    momentum 0.9) on the bowl ``J = ½ θᵀHθ`` with eigenvalues 1 and κ, its axes
    along the coordinates or turned by 45°. Controls: optimizer, η, κ, turn.
    Left: the path over the contours; right: each coordinate's effective rate
    (:func:`coursekit.adaptive.effective_rates`) and diagonal Newton's 1/H_jj.
    ``update`` returns ``{"trajectory", "rates", "landscape"}``."""
    from .. import adaptive, optim, plots
    from ..landscapes import Quadratic, run

    makers = {
        "SGD": (optim.SGD, {}),
        "momentum": (optim.SGD, {"momentum": 0.9}),
        "AdaGrad": (optim.Adagrad, {}),
        "RMSProp": (optim.RMSprop, {}),
        "Adam": (optim.Adam, {}),
    }
    turns = {"along the axes": 0.0, "turned 45°": 45.0}
    bowls = {(k, a): Quadratic.with_condition_number(k, angle=np.deg2rad(a)) for k in kappas for a in turns.values()}
    x0, x1, y0, y1 = extent
    a, b = np.meshgrid(np.linspace(x0, x1, 100), np.linspace(y0, y1, 100))
    grid = np.stack([a, b], axis=-1)
    surfaces = {key: q.value(grid) for key, q in bowls.items()}  # contours computed once
    controls = {
        "method": W.Dropdown(options=list(adaptive.METHODS), value="AdaGrad", description="optimizer"),
        "lr": W.FloatLogSlider(value=0.1, base=10, min=-3, max=0.5, step=0.25, description="η (rate)"),
        "kappa": W.SelectionSlider(options=list(kappas), value=kappas[len(kappas) // 2], description="κ (scaling)"),
        "turn": W.Dropdown(options=list(turns.items()), value=0.0, description="axes"),
    }
    fig, (ax_path, ax_rate) = plt.subplots(1, 2, figsize=(11, 4))
    (path_line,) = ax_path.plot([], [], "r.-", ms=3, lw=1)
    ax_path.plot(0.0, 0.0, "k*", ms=10)
    ax_path.set(xlim=(x0, x1), ylim=(y0, y1), xlabel=r"$\theta_1$", ylabel=r"$\theta_2$")
    title = ax_path.set_title("", fontsize=10)
    rate_lines = [ax_rate.loglog([], [], color=f"C{j}", label=f"coordinate {j + 1}")[0] for j in range(2)]
    ref_lines = [
        ax_rate.axhline(1.0, color=f"C{j}", ls="--", lw=1, label=rf"$1/H_{{{j + 1}{j + 1}}}$") for j in range(2)
    ]
    ax_rate.set(xlabel="step $t$", ylabel="effective rate", xlim=(1, steps))
    ax_rate.legend(fontsize=8, loc="lower left")
    rate_title = ax_rate.set_title("", fontsize=10)
    state = {"key": None, "contours": None}
    adaptive.effective_rates(np.ones((2, 2)), "RMSProp", 1.0)  # import scipy.signal now, not on a move

    def draw(fig, method, lr, kappa, turn):
        q = bowls[kappa, turn]
        if state["key"] != (kappa, turn):  # redraw the contours only when the bowl changes
            if state["contours"] is not None:
                state["contours"].remove()
            z = surfaces[kappa, turn]
            state["contours"] = ax_path.contour(
                a, b, z, levels=np.geomspace(1e-3, z.max(), 20), cmap="viridis", linewidths=0.7
            )
            state["key"] = (kappa, turn)
        cls, hyper = makers[method]
        traj = run(cls, q, theta0, steps, lr=lr, **hyper)
        path_line.set_data(*plots.visible_part(traj, extent).T)
        # the lowest J beside the last one: a run that bursts back shows it here
        low = int(np.nanargmin(traj.losses))
        title.set_text(
            f"{method}, η = {lr:.3g}, κ = {kappa}: {traj.reason}, J = {traj.losses[-1]:.2g}"
            f" (lowest {traj.losses[low]:.1g}, step {low})"
        )
        if traj.steps > 0:
            rates = adaptive.effective_rates(q.grad(traj.path[:-1]), method, lr)
        else:
            rates = np.empty((0, 2))
        t = np.arange(1, len(rates) + 1)
        for j in range(2):
            rate_lines[j].set_data(t, rates[:, j])
            ref_lines[j].set_ydata([1 / q.A[j, j]] * 2)
        values = np.concatenate([rates.ravel(), 1 / np.diag(q.A)])
        values = values[np.isfinite(values) & (values > 0)]
        ax_rate.set_ylim(values.min() / 3, values.max() * 3)
        rate_title.set_text("per-coordinate rates; dashed: diagonal Newton")
        return {"trajectory": traj, "rates": rates, "landscape": q}

    return Explorer(fig, draw, controls)
