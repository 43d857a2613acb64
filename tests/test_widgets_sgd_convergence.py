"""The SGD-convergence explorer: every corner of its controls draws what sgd_theory computes."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from coursekit import data, schedules, sgd_theory  # noqa: E402
from coursekit.explorers import sgd_convergence as figures  # noqa: E402


@pytest.fixture(scope="module")
def setup():
    x, y = data.linear_regression(n=40, seed=1)
    return x, y, figures.sgd_convergence_explorer(x, y, steps=60, runs=20, paths=3)


def test_schedules_are_the_coursekit_schedules():
    t = np.arange(100)
    np.testing.assert_allclose(figures.sgd_schedule("constant", 0.1)(t), 0.1)
    np.testing.assert_allclose(figures.sgd_schedule("1/√t", 0.1)(t), 0.1 / np.sqrt(1 + t / figures.SGD_T0))
    np.testing.assert_allclose(figures.sgd_schedule("1/t", 0.1)(t), schedules.InverseTimeLR(0.1, t0=figures.SGD_T0)(t))
    with pytest.raises(ValueError, match="name"):
        figures.sgd_schedule("cosine", 0.1)


def test_update_over_the_control_ranges(setup):
    x, y, explorer = setup
    c = explorer.controls
    lrs = (10 ** c["lr"].min, 10 ** c["lr"].max, c["lr"].value)
    sizes = c["batch_size"].options
    problem = sgd_theory.FiniteSum(data.design_matrix(x), y)
    for lr in lrs:
        for schedule in c["schedule"].options:
            for B in (sizes[0], sizes[len(sizes) // 2], sizes[-1]):
                result = explorer.update(lr=lr, schedule=schedule, batch_size=B)
                rates = figures.sgd_schedule(schedule, lr)(np.arange(60))
                expected = sgd_theory.sgd_runs(
                    problem, (2.0, -1.0), rates, batch_size=B, runs=20, replace=False, seed=0, keep_paths=3
                )
                np.testing.assert_allclose(result.gap, expected.gap)
                ax_path, ax_gap = explorer.fig.axes
                path_lines = ax_path.get_lines()[-3:]
                for line, path in zip(path_lines, expected.paths):
                    np.testing.assert_allclose(line.get_xydata(), path)
                gap_line = ax_gap.get_lines()[0]
                np.testing.assert_allclose(gap_line.get_ydata(), expected.gap[:-1])
                assert np.all(np.isfinite(result.gap))
    # a full batch without replacement is gradient descent: every run follows the same path
    result = explorer.update(lr=0.05, schedule="constant", batch_size=sizes[-1])
    np.testing.assert_allclose(result.paths[0], result.paths[1])
