"""The Adam explorer: every corner and the middle of its sliders, checked against coursekit.moments."""

import itertools

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from coursekit import moments
from coursekit.explorers import adam as figures


@pytest.fixture(scope="module")
def explorer():
    return figures.adam_bias_explorer(max_steps=500, seed=3)


def _corners(explorer):
    c = explorer.controls
    b1, b2 = c["beta1"].options, c["beta2"].options
    mid = lambda xs: xs[len(xs) // 2]
    noise = (c["noise"].min, (c["noise"].min + c["noise"].max) / 2, c["noise"].max)
    steps = (c["steps"].min, c["steps"].value, c["steps"].max)
    return itertools.product((b1[0], mid(b1), b1[-1]), (b2[0], mid(b2), b2[-1]), noise, steps)


def test_update_matches_moments_over_the_slider_ranges(explorer):
    ax_m, ax_u = explorer.fig.axes
    for beta1, beta2, noise, steps in _corners(explorer):
        out = explorer.update(beta1=beta1, beta2=beta2, noise=noise, steps=steps)
        g = out["g"]
        assert g.shape == (steps,)
        np.testing.assert_allclose(out["corrected"], moments.adam_step(g, (beta1, beta2)))
        np.testing.assert_allclose(
            out["uncorrected"], moments.adam_step(g, (beta1, beta2), correct_m=False, correct_v=False)
        )
        # what is drawn is what was computed
        line_c, line_u, line_ref = ax_u.get_lines()
        np.testing.assert_array_equal(line_c.get_xdata(), np.arange(1, steps + 1))
        np.testing.assert_allclose(line_c.get_ydata(), out["corrected"])
        np.testing.assert_allclose(line_u.get_ydata(), out["uncorrected"])
        assert np.allclose(line_ref.get_ydata(), moments.stationary_step(1.0, noise))
        m_hat_line = ax_m.get_lines()[2]
        np.testing.assert_allclose(m_hat_line.get_ydata(), out["moments"].m_hat)
        assert np.all(np.isfinite(out["corrected"]))


def test_noise_free_stream_steps_exactly_one(explorer):
    out = explorer.update(beta1=0.9, beta2=0.999, noise=0.0, steps=100)
    np.testing.assert_allclose(out["corrected"], 1.0, rtol=1e-7)
    assert out["uncorrected"][0] > 3.0  # the uncorrected first step is too large


def test_the_noise_draw_is_fixed_and_scaled(explorer):
    a = explorer.update(noise=1.0, steps=200)["g"]
    b = explorer.update(noise=2.0, steps=200)["g"]
    np.testing.assert_allclose(b - 1.0, 2.0 * (a - 1.0))


def test_bad_max_steps():
    with pytest.raises(ValueError, match="max_steps"):
        figures.adam_bias_explorer(max_steps=5)
