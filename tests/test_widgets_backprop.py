"""The backprop explorer over its controls: the drawn norms and loss curve are
those of coursekit.manual_backprop.train_mlp; diverged runs say so."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from coursekit import data, manual_backprop
from coursekit.explorers import backprop as figures

DEPTHS, SCALES = (2, 3, 5), (0.5, 1.0, 4.0)


@pytest.fixture(scope="module")
def explorer():
    X, y = data.two_moons(32, noise=0.1, seed=0)
    return figures.backprop_explorer(X, y, width=8, depths=DEPTHS, scales=SCALES, lr=0.5, steps=20), (X, y)


def test_update_over_the_controls(explorer):
    e, (X, y) = explorer
    ax_norm, ax_loss = e.fig.axes
    for depth in DEPTHS:
        for act in manual_backprop.ACTIVATIONS:
            for scale in SCALES:
                out = e.update(depth=depth, activation=act, scale=scale)
                sizes = [2] + [8] * (depth - 1) + [1]
                ref = manual_backprop.train_mlp(sizes, X, y, act, scale, lr=0.5, steps=20, seed=0)
                np.testing.assert_allclose(out["norms"], ref.norms)
                np.testing.assert_allclose(out["loss"], ref.loss)
                assert out["diverged"] == ref.diverged
                assert len(out["norms"]) == depth
                line = ax_norm.get_lines()[0]
                np.testing.assert_allclose(line.get_ydata(), out["norms"])
                np.testing.assert_allclose(ax_loss.get_lines()[0].get_ydata(), out["loss"])
                if not out["diverged"]:
                    assert len(out["loss"]) == 21
                    assert np.all(np.isfinite(out["loss"]))


def test_sigmoid_gradients_vanish_with_depth(explorer):
    e, _ = explorer
    ratios = [e.update(depth=d, activation="sigmoid", scale=1.0)["norms"] for d in DEPTHS]
    ratios = [n[0] / n[-1] for n in ratios]
    assert ratios[0] > ratios[1] > ratios[2]


def test_divergence_is_reported():
    X, y = data.two_moons(32, noise=0.1, seed=0)
    e = figures.backprop_explorer(X, y, width=8, depths=(6,), scales=(8.0,), lr=5.0, steps=20)
    out = e.update(depth=6, activation="relu", scale=8.0)
    assert out["diverged"]
    assert "diverged" in e.fig.axes[1].get_title()


def test_bad_input_raises():
    X, y = data.two_moons(32, noise=0.1, seed=0)
    with pytest.raises(ValueError, match="X must be"):
        figures.backprop_explorer(X[:, 0], y)
    with pytest.raises(ValueError, match="depths"):
        figures.backprop_explorer(X, y, depths=(0, 2))


def test_static_grid_is_depth_by_activation(explorer):
    e, _ = explorer
    assert e.static_grid() == {
        "depth": list(DEPTHS),
        "activation": list(manual_backprop.ACTIVATIONS),
    }
