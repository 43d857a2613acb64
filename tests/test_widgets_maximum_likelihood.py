"""The maximum-likelihood explorer: every slider setting draws what coursekit computes."""

import itertools

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from coursekit import likelihood  # noqa: E402
from coursekit.explorers import maximum_likelihood as figures  # noqa: E402

rng = np.random.default_rng(0)
X = rng.normal(2.0, 1.5, size=60)
Y = (rng.uniform(size=40) < 0.3).astype(float)


@pytest.fixture(scope="module")
def explorer():
    return figures.maximum_likelihood_explorer(X, Y)


def _corners(slider):
    return [slider.min, 0.5 * (slider.min + slider.max), slider.max]


def test_gaussian_over_the_slider_ranges(explorer):
    c = explorer.controls
    ax_data, ax_nll = explorer.fig.axes
    for mu, sigma in itertools.product(_corners(c["mu"]), _corners(c["sigma"])):
        out = explorer.update(model="Gaussian", mu=mu, sigma=sigma)
        assert out["nll"] == pytest.approx(float(likelihood.gaussian_nll(X, mu, sigma)))
        assert out["mle"] == pytest.approx(likelihood.gaussian_mle(X))
        assert out["nll"] >= out["nll_mle"]  # the MLE is the minimum
        line = ax_data.get_lines()[0]
        np.testing.assert_allclose(line.get_ydata(), likelihood.gaussian_density(line.get_xdata(), mu, sigma))
        point = [l for l in ax_nll.get_lines() if l.get_label() == "your guess"][0]
        assert list(point.get_xdata()) == [mu] and list(point.get_ydata()) == [sigma]


def test_bernoulli_over_the_slider_range(explorer):
    c = explorer.controls
    for p in _corners(c["p"]):
        out = explorer.update(model="Bernoulli", p=p)
        assert out["nll"] == pytest.approx(float(likelihood.bernoulli_nll(Y, p)))
        assert out["mle"] == (pytest.approx(Y.mean()),)
        assert out["nll"] >= out["nll_mle"]
        ax_data, ax_nll = explorer.fig.axes
        model = [l for l in ax_data.get_lines() if l.get_label() == "your model"][0]
        np.testing.assert_allclose(model.get_ydata(), [1 - p, p])
        point = [l for l in ax_nll.get_lines() if l.get_label() == "your guess"][0]
        assert point.get_ydata()[0] == pytest.approx(out["nll"])


def test_switching_back_and_forth_redraws_the_right_model(explorer):
    explorer.update(model="Bernoulli", p=0.2)
    out = explorer.update(model="Gaussian", mu=2.0, sigma=1.5)
    assert out["model"] == "Gaussian"
    assert explorer.fig.axes[1].get_xlabel() == r"$\mu$"


def test_at_the_mle_the_nll_is_the_minimum(explorer):
    mu_hat, sigma_hat = likelihood.gaussian_mle(X)
    out = explorer.update(model="Gaussian", mu=mu_hat, sigma=sigma_hat)
    assert out["nll"] == pytest.approx(out["nll_mle"])
