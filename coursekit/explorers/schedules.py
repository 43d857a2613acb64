"""Chapter 10, learning-rate schedules: its explorer and the figures only this chapter draws (no math here).

The math is in :mod:`coursekit`'s modules; shared drawing primitives in
:mod:`coursekit.plots`; the explorer mechanism in :mod:`coursekit.explorer`.
"""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from ..explorer import Explorer
from ..plots import new_axes


# --- learning-rate schedules (chapter 10) ----------------------------------------
def schedule_curves(t, rates: dict, ax=None, logy: bool = False, ylabel=r"rate $\eta_t$"):
    """Each labelled schedule's rates against the step ``t`` (a zero line is drawn
    when some rate is negative, so a wrong formula shows as such)."""
    ax = new_axes(ax, figsize=(5, 3.5))
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
    ax = new_axes(ax, figsize=(6, 3.5))
    for i, v in enumerate(values.values()):
        v = np.asarray(v, dtype=float)
        ax.plot(np.full(v.size, i) + np.linspace(-0.12, 0.12, v.size), v, "o", ms=3.5, color="0.55", zorder=1)
        ax.errorbar(i + 0.25, v.mean(), yerr=v.std(), fmt="s", ms=5, color="C0", capsize=3, zorder=2)
    ax.set_xticks(range(len(values)), list(values), rotation=30, ha="right")
    if logy:
        ax.set_yscale("log")
    ax.set(ylabel=ylabel)
    return ax


# --- learning-rate schedules ------------------------------------------------------
def schedule_explorer(
    train,
    val,
    x0=None,
    steps: int = 300,
    batch_size: int = 4,
    runs: int = 20,
    seed: int = 0,
    lrs=(0.01, 0.03, 0.1, 0.2),
    warmups=(0, 15, 30, 60),
    end_factors=(0.1, 0.01, 0.001),
) -> Explorer:
    """Minibatch SGD on the least-squares problem ``train`` (a
    :class:`~coursekit.sgd_theory.FiniteSum`) under a schedule from
    :func:`coursekit.schedules.by_name`: family, peak rate η_max, warm-up steps and the end
    ratio η_T/η_max as controls. Left: the schedule η_t; right: the mean training loss and
    the mean loss on ``val`` over ``runs`` seeded runs (the same minibatches for every
    schedule), beside the constant rate η_max (grey). ``update`` returns ``{"schedule",
    "rates", "train_loss", "val_loss", "diverged_at", "constant"}``; ``diverged_at`` is the
    first step whose mean loss is not finite (or passes 1e6 times the start), else None."""
    from .. import schedules
    from ..sgd_theory import sgd_iterates, values

    x0 = np.zeros(train.dim) if x0 is None else np.asarray(x0, dtype=float)
    t = np.arange(steps)
    k = np.arange(steps + 1)

    def run(rates):
        paths = sgd_iterates(train, x0, rates, batch_size=batch_size, runs=runs, seed=seed)
        tr, va = values(train, paths).mean(axis=0), values(val, paths).mean(axis=0)
        bad = ~np.isfinite(tr) | ~np.isfinite(va) | (tr > 1e6 * tr[0])
        return tr, va, (int(np.argmax(bad)) if bad.any() else None)

    constant = {lr: run(np.full(steps, float(lr))) for lr in lrs}  # the grey reference, once
    controls = {
        "family": W.Dropdown(options=list(schedules.FAMILIES), value="cosine", description="schedule"),
        "lr": W.SelectionSlider(options=list(lrs), value=lrs[len(lrs) // 2], description="η_max"),
        "warmup": W.SelectionSlider(options=list(warmups), value=warmups[0], description="warm-up"),
        "end_factor": W.SelectionSlider(
            options=list(end_factors), value=end_factors[len(end_factors) // 2], description="η_T / η_max"
        ),
    }
    fig, (ax_lr, ax_loss) = plt.subplots(1, 2, figsize=(11, 4))
    schedule_curves(t, {"schedule": np.ones(steps), r"constant $\eta_{\max}$": np.ones(steps)}, ax=ax_lr)
    lr_line, lr_ref = ax_lr.get_lines()
    lr_ref.set(color="0.6", ls="--")
    ax_lr.legend(fontsize=8, loc="upper right")
    ones = np.ones(steps + 1)
    schedule_curves(
        k,
        {"training": ones, "validation": ones, "constant: training": ones, "constant: validation": ones},
        ax=ax_loss,
        logy=True,
        ylabel="mean loss",
    )
    tr_line, va_line, ref_tr, ref_va = ax_loss.get_lines()
    va_line.set_linestyle("--")
    ref_tr.set(color="0.6", lw=1)
    ref_va.set(color="0.6", lw=1, ls="--")
    ax_loss.axhline(train.minimum, color="k", lw=0.8, ls=":", label="training minimum")
    ax_loss.legend(fontsize=8, loc="upper right")
    title = ax_loss.set_title("", fontsize=10)

    def draw(fig, family, lr, warmup, end_factor):
        sched = schedules.by_name(family, lr, steps, warmup=warmup, end_factor=end_factor)
        rates = sched(t)
        tr, va, diverged = run(rates)
        lr_line.set_data(t, rates)
        lr_ref.set_data(t, np.full(steps, lr))
        ax_lr.set(xlim=(0, steps), ylim=(0, 1.08 * max(lrs)))
        stop = steps + 1 if diverged is None else diverged
        tr_line.set_data(k[:stop], tr[:stop])
        va_line.set_data(k[:stop], va[:stop])
        c_tr, c_va, c_div = constant[lr]
        c_stop = steps + 1 if c_div is None else c_div
        ref_tr.set_data(k[:c_stop], c_tr[:c_stop])
        ref_va.set_data(k[:c_stop], c_va[:c_stop])
        shown = np.concatenate([tr[:stop], va[:stop], c_tr[:c_stop], c_va[:c_stop], [train.minimum]])
        shown = shown[np.isfinite(shown) & (shown > 0)]
        ax_loss.set(xlim=(0, steps), ylim=(0.8 * shown.min(), 1.2 * shown.max()))
        if diverged is None:
            title.set_text(f"{family}: final training loss {tr[-1]:.3f}, validation {va[-1]:.3f}")
        else:
            title.set_text(f"{family}, η_max = {lr}: diverged at step {diverged}")
        return {
            "schedule": sched,
            "rates": rates,
            "train_loss": tr,
            "val_loss": va,
            "diverged_at": diverged,
            "constant": constant[lr],
        }

    return Explorer(fig, draw, controls)
