"""The capacity explorer draws exactly what coursekit.capacity computes, over
its controls."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from coursekit import capacity as cap
from coursekit import data
from coursekit.explorers import capacity as figures


@pytest.fixture(scope="module")
def setup():
    pool = data.curve_fitting(80, seed=0)
    val = data.curve_fitting(50, seed=1)
    test = data.curve_fitting(60, seed=2)
    explorer = figures.capacity_explorer(*pool, val, test, max_degree=9, sizes=(20, 40, 80), noise=0.3)
    return pool, val, test, explorer


def test_update_over_the_control_ranges(setup):
    (x, y), (xv, yv), (xt, yt), explorer = setup
    c = explorer.controls
    for degree in (c["degree"].min, 4, c["degree"].max):
        for ridge in c["ridge"].options:
            for n in c["n"].options:
                out = explorer.update(degree=degree, ridge=ridge, n=n)
                P = cap.legendre_features(x[:n], degree)
                w, b = cap.ridge_fit(P, y[:n], ridge)
                grid = np.linspace(-1, 1, 300)
                fit = cap.predict(cap.legendre_features(grid, degree), w, b)
                np.testing.assert_allclose(out["fit"], fit, atol=1e-10)
                val = cap.mse(cap.predict(cap.legendre_features(xv, degree), w, b), yv)
                assert out["errors"]["validation"] == pytest.approx(val)
                test = cap.mse(cap.predict(cap.legendre_features(xt, degree), w, b), yt)
                assert out["errors"]["test"] == pytest.approx(test)
                ax_fit, ax_err = explorer.fig.axes
                _, fit_line, points = ax_fit.get_lines()
                np.testing.assert_allclose(fit_line.get_ydata(), fit, atol=1e-10)
                assert len(points.get_xdata()) == n
                train_line, val_line, test_line = ax_err.get_lines()[:3]
                np.testing.assert_allclose(train_line.get_ydata(), out["sweep"].train)
                assert val_line.get_ydata()[degree] == pytest.approx(val)
                assert test_line.get_ydata()[degree] == pytest.approx(test)
                assert list(ax_err.get_lines()[-1].get_xdata()) == [
                    degree,
                    degree,
                ]


def test_ridges_start_at_least_squares_and_sizes_are_checked():
    assert figures.CAPACITY_RIDGES[0] == 0.0
    assert list(figures.CAPACITY_RIDGES) == sorted(figures.CAPACITY_RIDGES)
    x, y = data.curve_fitting(10)
    with pytest.raises(ValueError, match="sizes"):
        figures.capacity_explorer(x, y, (x, y), (x, y), sizes=(20,))
