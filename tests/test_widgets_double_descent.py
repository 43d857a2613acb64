"""The double-descent explorer draws exactly what random_features computes, over its controls."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from coursekit import data  # noqa: E402
from coursekit import random_features as rf  # noqa: E402
from coursekit.explorers import double_descent as figures  # noqa: E402


@pytest.fixture(scope="module")
def setup():
    task = data.teacher_regression(n_train=40, n_test=80, d=4, seed=0)
    feats = rf.RandomReLUFeatures(4, 200, seed=1)
    sweep = rf.WidthSweep(feats, task.X_train, task.X_test, [5, 10, 20, 30, 40, 60, 100, 200])
    return task, sweep, figures.double_descent_explorer(sweep, task.f_train, task.f_test, sample_sizes=(20, 30, 40))


def test_update_over_the_control_ranges(setup):
    task, sweep, explorer = setup
    c = explorer.controls
    for noise in (c["noise"].min, c["noise"].max, 0.3):
        for ridge in (c["ridge"].options[0], c["ridge"].options[-1], c["ridge"].options[3]):
            for n in c["n"].options:
                errs = explorer.update(noise=noise, ridge=ridge, n=n)
                expected = sweep.expected_errors(task.f_train, task.f_test, noise, ridge, n)
                np.testing.assert_allclose(errs.test, expected.test)
                test_line, train_line, threshold = explorer.fig.axes[0].get_lines()
                np.testing.assert_allclose(test_line.get_ydata(), expected.test)
                np.testing.assert_allclose(train_line.get_ydata(), np.maximum(expected.train, 1e-6))
                assert list(threshold.get_xdata()) == [n, n]
                if ridge == 0 and noise > 0:
                    assert errs.peak_width == n  # the min-norm peak sits at p = n


def test_ridges_start_at_min_norm():
    assert figures.DD_RIDGES[0] == 0.0 and list(figures.DD_RIDGES) == sorted(figures.DD_RIDGES)
