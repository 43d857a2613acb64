"""The universal-approximation explorer: every setting draws the network coursekit builds."""

import itertools

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from coursekit import approximation, data  # noqa: E402
from coursekit.explorers import universal_approximation as figures  # noqa: E402


@pytest.fixture(scope="module")
def explorer():
    return figures.universal_approximation_explorer()


def _corners(slider):
    return [slider.min, (slider.min + slider.max) / 2, slider.max]


def test_every_target_and_corner_draws_the_staircase(explorer):
    c = explorer.controls
    ax_fit, ax_err = explorer.fig.axes
    for target, n, s in itertools.product(
        c["target"].options, [1, 8, c["n"].max], [10 ** c["steepness"].min, 10.0, 10 ** c["steepness"].max]
    ):
        out = explorer.update(target=target, n=n, steepness=s)
        f = data.approximation_target(target)
        expected = approximation.staircase(f, n, s)
        np.testing.assert_allclose(out["net"].w, expected.w)
        np.testing.assert_allclose(out["net"].v, expected.v)
        net_line = [l for l in ax_fit.get_lines() if l.get_label() == "network $g$"][0]
        np.testing.assert_allclose(net_line.get_ydata(), expected(net_line.get_xdata()))
        target_line = [l for l in ax_fit.get_lines() if l.get_label() == "target $f$"][0]
        np.testing.assert_allclose(target_line.get_ydata(), f(target_line.get_xdata()))
        assert out["sup_error"] == pytest.approx(approximation.sup_error(f, expected, num=1001))
        i = list(out["ns"]).index(n) if n in out["ns"] else None
        if i is not None:
            assert out["errors"][i] == pytest.approx(out["sup_error"])


def test_unit_lines_are_shown_for_small_n_only(explorer):
    ax_fit = explorer.fig.axes[0]
    out = explorer.update(target="sine", n=5, steepness=10.0)
    units = out["net"].units(np.linspace(0, 1, 1001))
    shown = [l for l in ax_fit.get_lines() if l.get_visible() and l.get_label().startswith("_")]
    assert len(shown) == 5
    for line, col in zip(shown, units.T):
        np.testing.assert_allclose(line.get_ydata(), col)
    explorer.update(n=40)
    assert not any(l.get_visible() and l.get_label().startswith("_") for l in ax_fit.get_lines())


def test_error_curve_is_the_sup_error_of_each_staircase(explorer):
    out = explorer.update(target="kink", n=16, steepness=10.0)
    f = data.approximation_target("kink")
    for n, err in zip(out["ns"][::4], out["errors"][::4]):
        assert err == pytest.approx(approximation.sup_error(f, approximation.staircase(f, n, 10.0), num=1001))
    assert out["errors"][-1] < out["errors"][0] / 10  # many units beat one
    assert out["ns"][0] == 1 and out["ns"][-1] == explorer.controls["n"].max
