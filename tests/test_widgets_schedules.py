"""The schedule explorer: every corner of its controls draws what schedules and sgd_theory compute."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from coursekit import schedules, sgd_theory
from coursekit.explorers import schedules as figures


@pytest.fixture(scope="module")
def setup():
    rng = np.random.default_rng(0)
    A, A_val = rng.normal(size=(40, 5)), rng.normal(size=(80, 5))
    theta = rng.normal(size=5)
    train = sgd_theory.FiniteSum(A, A @ theta + rng.normal(size=40))
    val = sgd_theory.FiniteSum(A_val, A_val @ theta + rng.normal(size=80))
    explorer = figures.schedule_explorer(
        train,
        val,
        steps=80,
        runs=5,
        lrs=(0.01, 0.05, 0.1, 5.0),
        warmups=(0, 10),
    )
    return train, val, explorer


def test_update_over_the_control_ranges(setup):
    train, val, explorer = setup
    c = explorer.controls
    for family in c["family"].options:
        for lr in c["lr"].options[:3:2]:
            for warmup in c["warmup"].options:
                for r in (
                    c["end_factor"].options[0],
                    c["end_factor"].options[-1],
                ):
                    out = explorer.update(family=family, lr=lr, warmup=warmup, end_factor=r)
                    rates = schedules.by_name(family, lr, 80, warmup=warmup, end_factor=r)(np.arange(80))
                    np.testing.assert_allclose(out["rates"], rates)
                    paths = sgd_theory.sgd_runs(
                        train,
                        np.zeros(5),
                        rates,
                        batch_size=4,
                        runs=5,
                        seed=0,
                        keep_paths=5,
                    ).paths
                    np.testing.assert_allclose(
                        out["train_loss"],
                        train.value(paths).mean(axis=0),
                        rtol=1e-9,
                    )
                    np.testing.assert_allclose(
                        out["val_loss"],
                        val.value(paths).mean(axis=0),
                        rtol=1e-9,
                    )
                    assert out["diverged_at"] is None
                    ax_lr, ax_loss = explorer.fig.axes
                    np.testing.assert_allclose(ax_lr.get_lines()[0].get_ydata(), rates)
                    np.testing.assert_allclose(ax_loss.get_lines()[0].get_ydata(), out["train_loss"])
                    assert "final training loss" in ax_loss.get_title()


def test_a_diverging_run_is_reported_not_drawn_as_nan(setup):
    _, _, explorer = setup
    out = explorer.update(family="constant", lr=5.0, warmup=0, end_factor=0.01)
    assert out["diverged_at"] is not None
    _ax_lr, ax_loss = explorer.fig.axes
    assert "diverged at step" in ax_loss.get_title()
    for line in ax_loss.get_lines()[:4]:
        assert np.all(np.isfinite(line.get_ydata()))
    lo, hi = ax_loss.get_ylim()
    assert np.isfinite(lo) and np.isfinite(hi) and lo > 0


def test_a_decay_beats_a_large_constant_rate(setup):
    _, _, explorer = setup
    out = explorer.update(family="cosine", lr=0.1, warmup=0, end_factor=0.01)
    assert out["train_loss"][-1] < out["constant"][0][-1]
