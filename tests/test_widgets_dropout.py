"""The dropout explorer over its whole grid: lines equal the histories, the Monte-Carlo
panel equals nn.Dropout's masks averaged by coursekit.moments."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from coursekit import moments, nn, train
from coursekit.explorers import dropout as figures

PS, WIDTHS = (0.0, 0.5, 0.8), (16, 64)


def _history(seed):
    rng = np.random.default_rng(seed)
    h = train.History()
    for epoch in range(1, 11):
        h.epoch.append(epoch)
        h.train_loss.append(float(rng.uniform(0, 2)))
        h.val_loss.append(float(rng.uniform(0, 2)))
    return h


@pytest.fixture(scope="module")
def grid():
    return {(p, w): _history(i) for i, (p, w) in enumerate((p, w) for p in PS for w in WIDTHS)}


def test_update_over_the_grid(grid):
    explorer = figures.dropout_explorer(grid, activation=1.5, samples=3000, seed=4)
    ax_mc, ax_fit = explorer.fig.axes
    for (p, width), h in grid.items():
        out = explorer.update(p=p, width=width)
        assert out["history"] is h
        train_line, val_line = ax_fit.get_lines()
        np.testing.assert_array_equal(train_line.get_ydata(), h.train_loss)
        np.testing.assert_array_equal(val_line.get_ydata(), h.val_loss)
        expected = nn.Dropout(p, rng=4)(np.full(3000, 1.5)).data
        np.testing.assert_array_equal(out["masked"], expected)
        np.testing.assert_allclose(out["running_mean"], moments.running_mean(expected))
        np.testing.assert_allclose(ax_mc.get_lines()[0].get_ydata(), out["running_mean"])
        np.testing.assert_allclose(out["band"], 2 * moments.dropout_std(1.5, p) / np.sqrt(np.arange(1, 3001)))
        # the mean of 3000 masks lies within 4 standard errors of the activation
        assert abs(out["running_mean"][-1] - 1.5) <= out["band"][-1] * 2 + 1e-12


def test_p_zero_keeps_everything(grid):
    out = figures.dropout_explorer(grid).update(p=0.0, width=16)
    np.testing.assert_array_equal(out["running_mean"], 1.0)


def test_incomplete_grid_raises(grid):
    partial = dict(grid)
    partial.pop((0.5, 64))
    with pytest.raises(ValueError, match="missing"):
        figures.dropout_explorer(partial)
    with pytest.raises(ValueError, match="empty"):
        figures.dropout_explorer({})
