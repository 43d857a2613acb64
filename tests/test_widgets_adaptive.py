"""The adaptive-methods explorer: its slider corners, checked against coursekit.adaptive and optim."""

import itertools

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from coursekit import adaptive, optim
from coursekit.explorers import adaptive as figures
from coursekit.landscapes import run


@pytest.fixture(scope="module")
def explorer():
    return figures.adaptive_explorer(steps=60)


def _corners(explorer):
    c = explorer.controls
    lr = c["lr"]
    lrs = (10.0**lr.min, lr.value, 10.0**lr.max)
    kappas = (c["kappa"].options[0], c["kappa"].options[-1])
    turns = [value for _, value in c["turn"].options]
    return itertools.product(c["method"].options, lrs, kappas, turns)


def test_update_over_the_control_ranges(explorer):
    ax_path, ax_rate = explorer.fig.axes
    for method, lr, kappa, turn in _corners(explorer):
        out = explorer.update(method=method, lr=lr, kappa=kappa, turn=turn)
        traj, rates, q = out["trajectory"], out["rates"], out["landscape"]
        assert np.isclose(q.condition_number, kappa)
        assert rates.shape == (traj.steps, 2) and np.all(np.isfinite(rates))
        if traj.steps:
            np.testing.assert_allclose(
                rates,
                adaptive.effective_rates(q.grad(traj.path[:-1]), method, lr),
            )
        if not traj.diverged:
            assert traj.steps == 60
        line = ax_rate.get_lines()[0]
        np.testing.assert_allclose(line.get_ydata(), rates[:, 0])
        assert np.all(np.isfinite(ax_path.get_lines()[0].get_xydata()))


def test_adagrad_path_is_the_optimizers(explorer):
    out = explorer.update(method="AdaGrad", lr=0.1, kappa=100, turn=0.0)
    ref = run(optim.Adagrad, out["landscape"], [-1.0, 0.6], 60, lr=0.1)
    np.testing.assert_allclose(out["trajectory"].path, ref.path)


def test_sgd_diverges_past_two_over_kappa(explorer):
    out = explorer.update(method="SGD", lr=10**0.5, kappa=1000, turn=0.0)
    assert out["trajectory"].diverged
    assert "diverged" in explorer.fig.axes[0].get_title()
    ok = explorer.update(method="SGD", lr=1e-3, kappa=1000, turn=0.0)
    assert not ok["trajectory"].diverged


def test_adaptive_explorer_title_shows_a_late_burst():
    """RMSProp at 0.1 on kappa = 100 reaches J ~ 1e-31 by step 79 and bursts
    back (J 5.3 at step 170): the title names the lowest J and its step."""
    from coursekit.explorers import adaptive as figures

    explorer = figures.adaptive_explorer()
    out = explorer.update(method="RMSProp", lr=0.1, kappa=100, turn=0.0)
    losses = out["trajectory"].losses
    assert losses[170] > 5 and losses.min() < 1e-30
    title = explorer.fig.axes[0].get_title()
    assert f"step {int(np.argmin(losses))})" in title and "lowest 2e-31" in title
