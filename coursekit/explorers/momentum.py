"""Chapter 07, momentum and Nesterov: its explorer and the figures only this chapter draws (no math here).

The math is in :mod:`coursekit`'s modules; shared drawing primitives in
:mod:`coursekit.plots`; the explorer mechanism in :mod:`coursekit.explorer`.
"""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from ..explorer import Explorer
from ..plots import new_axes


def error_norm_curves(norms: dict, ax=None, rates: dict | None = None, ylabel=r"$\|\theta_k - \theta^\star\|$"):
    """Error norms against step k on a log scale, one line per label; for a label
    in ``rates`` a dashed line of slope ``rates[label]`` per step, through the
    curve's last point (a predicted rate to compare with the measured slope)."""
    ax = new_axes(ax, figsize=(5, 3.5))
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


# --- chapter 07: momentum -------------------------------------------------------
def rate_vs_curvature(lam, rates: dict, ax=None, reference: dict | None = None):
    """The rate per step (spectral radius) against the Hessian eigenvalue, one
    curve per labelled setting (``rates[label]`` has the shape of ``lam``), with
    dashed horizontal ``reference`` levels (label -> value); log-scaled eigenvalues."""
    ax = new_axes(ax, figsize=(5.5, 3.8))
    for label, rho in rates.items():
        ax.plot(lam, rho, lw=1.5, label=label)
    for i, (label, level) in enumerate((reference or {}).items()):
        ax.axhline(level, ls="--", lw=1, color=f"C{i}", label=label)
    ax.set_xscale("log")
    ax.set(xlabel=r"Hessian eigenvalue $\lambda$", ylabel=r"rate $\rho$ per step")
    ax.legend(fontsize=8)
    return ax


# --- chapter 07: momentum -------------------------------------------------------
#: the condition numbers of the momentum explorer
MOMENTUM_KAPPAS = (1, 3, 10, 30, 100, 300, 1000)
#: the kernel-free page's grid (kappa fixed at 100): the rates and momenta the
#: lesson's suggestions use (Polyak's 3.3 and 0.67; the divergence order at 0.9;
#: lowering mu at eta = 1), 7 x 5 = 35 frames
MOMENTUM_STATIC_LRS = (1.0, 1.3, 1.4, 2.1, 3.3, 3.7, 4.0)
MOMENTUM_STATIC_MUS = (0.0, 0.5, 0.67, 0.8, 0.9)


def momentum_explorer(
    steps: int = 300, angle: float = np.pi / 6, theta0=(1.5, 1.0), extent=(-2.0, 2.0, -2.0, 2.0)
) -> Explorer:
    """Gradient descent, heavy ball and Nesterov on the 2-D quadratic with Hessian
    eigenvalues 1/kappa and 1 (axes turned by ``angle``), minimum at 0. Controls: the
    condition number kappa, the rate eta and the momentum mu (GD uses the same eta).
    Left: the three paths on the contours; right: the error norms on a log scale with
    dashed lines of the predicted rates. Per eigenvalue lambda, GD is stable for
    0 < eta*lambda < 2, heavy ball for < 2(1+mu), Nesterov only for
    < 2(1+mu)/(1+2mu) (so at Polyak's eta, mu Nesterov diverges). The kernel-free page precomputes
    eta in ``MOMENTUM_STATIC_LRS`` by mu in ``MOMENTUM_STATIC_MUS`` at kappa = 100
    (the initial values: kappa 100, eta 1.0, mu 0.8). ``update`` returns ``{"kappa", "lam", "runs"
    (method -> momentum.Errors), "theory", "measured" (method -> rate per step)}``."""
    from .. import momentum as mom
    from ..landscapes import Quadratic

    if int(steps) != steps or steps < 10:
        raise ValueError(f"steps must be an integer >= 10, got {steps!r}")
    steps = int(steps)
    fig, (ax_path, ax_err) = plt.subplots(1, 2, figsize=(11, 4.2))
    controls = {
        "kappa": W.SelectionSlider(options=list(MOMENTUM_KAPPAS), value=100, description="κ"),
        "lr": W.FloatSlider(value=1.0, min=0.1, max=4.0, step=0.1, description="η (rate)"),
        "momentum": W.FloatSlider(value=0.8, min=0.0, max=0.99, step=0.01, description="μ"),
    }
    c, s = np.cos(angle), np.sin(angle)
    Q = np.array([[c, -s], [s, c]])  # columns: eigenvectors (1/kappa, 1)
    e0 = Q.T @ np.asarray(theta0, dtype=float)
    names = {"gd": "GD", "heavy_ball": "heavy ball", "nesterov": "Nesterov"}
    lines = {m: ax_path.plot([], [], ".-", ms=2, lw=0.9, color=f"C{i}", label=names[m])[0] for i, m in enumerate(names)}
    ax_path.plot(0, 0, "k*", ms=9)
    ax_path.set(xlim=extent[:2], ylim=extent[2:])
    ax_path.legend(fontsize=8, loc="lower right")
    drawn = {"kappa": None, "contours": None}
    # The error panel's lines are made once (a solid curve and a dashed predicted slope
    # per method); a move only replaces their data and the legend's texts.
    dummy = np.ones(5)
    error_norm_curves({m: dummy for m in names}, ax=ax_err, rates={m: 1.0 for m in names})
    err_lines = ax_err.get_lines()
    solid, dashed = err_lines[0::2], err_lines[1::2]
    legend_texts = ax_err.get_legend().get_texts()
    ax_err.set(xlim=(0, steps), ylim=(1e-16, 1e3))

    def draw(fig, kappa, lr, momentum):
        lam = np.array([1.0 / kappa, 1.0])
        if drawn["kappa"] != kappa:  # contours change only with kappa
            if drawn["contours"] is not None:
                drawn["contours"].remove()
            land = Quadratic(Q @ np.diag(lam) @ Q.T)
            a, b = np.meshgrid(np.linspace(*extent[:2], 90), np.linspace(*extent[2:], 90))
            z = land.value(np.stack([a, b], axis=-1))
            drawn["contours"] = ax_path.contour(
                a, b, z, levels=np.geomspace(1e-4, z.max(), 18), cmap="viridis", linewidths=0.6
            )
            drawn["kappa"] = kappa
        mu_of = {"gd": 0.0, "heavy_ball": momentum, "nesterov": momentum}
        runs = {m: mom.quadratic_errors(lam, e0, lr, mu_of[m], steps, m) for m in names}
        theory = {m: float(mom.worst_rate(lam, lr, mu_of[m], m)) for m in names}
        measured = {m: (None if r.diverged else mom.measured_rate(r.norms)) for m, r in runs.items()}
        for m, r in runs.items():
            path = r.errors @ Q.T
            if r.diverged:  # stop at the frame, not at 1e6
                out = np.any(np.abs(path) > 2 * max(map(abs, extent)), axis=1)
                path = path[: np.argmax(out) + 1] if out.any() else path
            lines[m].set_data(path[:, 0], path[:, 1])
        K, ks = np.arange(steps + 1), np.arange(steps // 4, steps + 1)
        for i, (m, r) in enumerate(runs.items()):
            norms = np.maximum(r.norms, 1e-300)
            solid[i].set_data(K[: len(norms)], norms)
            if r.diverged:
                legend_texts[i].set_text(f"{names[m]}: diverged at step {r.diverged_at}")
                dashed[i].set_data([], [])
                continue
            legend_texts[i].set_text(f"{names[m]}: ρ = {theory[m]:.3f} (theory), {measured[m]:.3f} (measured)")
            if theory[m] > 0:
                dashed[i].set_data(ks, norms[-1] * theory[m] ** (ks - steps))
            else:
                dashed[i].set_data([], [])
        ax_path.set_title(f"κ = {kappa}, η = {lr:.2f}, μ = {momentum:.2f}", fontsize=10)
        return {"kappa": kappa, "lam": lam, "runs": runs, "theory": theory, "measured": measured}

    static = {"lr": list(MOMENTUM_STATIC_LRS), "momentum": list(MOMENTUM_STATIC_MUS)}
    return Explorer(fig, draw, controls, static=static)
